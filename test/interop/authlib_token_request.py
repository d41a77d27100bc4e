"""Makes one client_credentials token request with Authlib's client authentication, as Authlib's own
OAuth2Session would (its ClientAuth, ClientSecretJWT and PrivateKeyJWT with their defaults: typ JWT,
one-hour assertions, aud = the token endpoint URL), and sends it with urllib. Prints the answer as JSON.

usage: authlib_token_request.py TOKEN_ENDPOINT METHOD CLIENT_ID SECRET_OR_PEM_FILE
"""
import json
import sys
import urllib.error
import urllib.request

from authlib.oauth2.auth import ClientAuth
from authlib.oauth2.rfc7523 import ClientSecretJWT, PrivateKeyJWT

token_endpoint, method, client_id, credential = sys.argv[1:5]
if method == 'private_key_jwt':
    with open(credential, 'rb') as f:
        credential = f.read()
auth_method = {'client_secret_jwt': ClientSecretJWT(), 'private_key_jwt': PrivateKeyJWT()}.get(method, method)
auth = ClientAuth(client_id, credential, auth_method)
headers = {'Content-Type': 'application/x-www-form-urlencoded'}
uri, headers, body = auth.prepare('POST', token_endpoint, headers, 'grant_type=client_credentials')
request = urllib.request.Request(uri, data=body.encode('ascii'), headers=headers, method='POST')
try:
    with urllib.request.urlopen(request, timeout=10) as response:
        status, text = response.status, response.read().decode('utf-8')
except urllib.error.HTTPError as error:
    status, text = error.code, error.read().decode('utf-8')
print(json.dumps({'status': status, 'body': json.loads(text)}))
