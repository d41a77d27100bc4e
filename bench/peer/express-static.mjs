/**
 * The HTTP half of the local limit: express 5 reading the same form bodies (urlencoded) and answering
 * a fixed token response, with no crypto and no state. Prints "http URL", serves until SIGTERM.
 */
import express from 'express';

const app = express();
app.disable('x-powered-by');
app.disable('etag');
const answer = JSON.stringify({ access_token: 'static-token-for-the-http-baseline', token_type: 'Bearer', expires_in: 3600 });
app.post('/token', express.urlencoded({ extended: false }), (req, res) => {
  if (typeof req.body?.grant_type !== 'string') {
    res.status(400).json({ error: 'invalid_request' });
    return;
  }
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(answer);
});
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`http  http://localhost:${server.address().port}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  process.exit(0);
});
