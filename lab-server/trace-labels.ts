/**
 * The fixed words of a rendered trace and of the notebook helpers' feedback, in the two languages the
 * course is written in. Only the frame is translated (headings, verdicts, column names, the diagram's
 * words); what the server found (each check's detail, error descriptions) stays as the server wrote it,
 * in English, like the wire names it quotes.
 */
import { basename } from 'node:path';

export type LabLanguage = 'en' | 'ja';

export const LAB_LANGUAGES: readonly LabLanguage[] = ['en', 'ja'];

/** Environment variable that picks the language of the notebook helpers' output ("en" or "ja"). */
export const LAB_LANGUAGE_ENV = 'AUTHLAB_LANG';

export function isLabLanguage(value: unknown): value is LabLanguage {
  return typeof value === 'string' && (LAB_LANGUAGES as readonly string[]).includes(value);
}

/**
 * The language a chapter's outputs are written in: AUTHLAB_LANG when set, otherwise the edition of
 * the notebook the kernel runs, read from its working directory (Jupyter, nbclient and the built-in
 * app start the kernel in the notebook's folder, and the Japanese edition lives in notebooks/ja). So
 * the two editions share every code cell and still answer in their own language.
 */
export function notebookLanguage(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): LabLanguage {
  const chosen = env[LAB_LANGUAGE_ENV];
  if (isLabLanguage(chosen)) return chosen;
  return basename(cwd) === 'ja' ? 'ja' : 'en';
}

export interface TraceLabels {
  /** "3 checks" */
  checks(n: number): string;
  duration: { seconds(n: number): string; minutes(n: number): string; hours(n: number): string; days(n: number): string };
  time: { expiresIn(d: string): string; expiresNow: string; expiredAgo(d: string): string; now: string; future(d: string): string; ago(d: string): string; invalidDate: string };
  verdict: { issued: string; accepted(status: number): string; refused(error: string | undefined, status: number): string };
  head: { on: string; client: string; method: string; verified: string; presented: string; trace: string };
  why: {
    refusedAtCheck: string;
    rule: string;
    notGiven: string;
    answered: string;
    libCode: string;
    refused: string;
    refusedWith: string;
    answeredOnly: string;
    allPassed(n: number): string;
    authenticatedWith: string;
  };
  sections: {
    exchange: string; headers: string; form: string; query: string; json: string; secretsMasked: string; tokensMasked: string;
    decoded(name: string): string; timesRelative: string; joseHeader: string; claims: string; certificate: string;
    checks: string; checksInOrder: string; noChecks: string; notes: string; inputs: string; response: string; body: string; none: string;
  };
  checkColumns: { check: string; found: string; rule: string };
  certificate: { none: string; selfIssued: string; receivedFrom: string; tls: string; proxy(header: string): string; noChain: string; chain(n: number): string };
  noTrace: string;
  diagram: {
    client: string; proxy: string; server: string; with: string;
    tlsHandshake: string; tlsHandshakeCertificate: string; tlsNoCertificate: string; mutualTls: string; certificateIn(header: string): string;
    passed(n: number): string; passedFailed(passed: number, failed: string): string; tokenIssued: string; ok: string;
  };
  sentence(parts: {
    client: string | undefined; method: string | undefined; call: string; viaProxy: boolean;
    transport: { kind: 'http' | 'tls' } | { kind: 'certificate'; subject: string; header: string | undefined };
    checks: { passed: number; failed: string | undefined } | undefined;
    answer: { status: number; error: string | undefined; token: boolean };
  }): string;
}

const en: TraceLabels = {
  checks: (n) => `${n} check${n === 1 ? '' : 's'}`,
  duration: { seconds: (n) => `${n} s`, minutes: (n) => `${n} min`, hours: (n) => `${n} h`, days: (n) => `${n} day${n === 1 ? '' : 's'}` },
  time: { expiresIn: (d) => `in ${d}`, expiresNow: 'expires now', expiredAgo: (d) => `expired ${d} ago`, now: 'now', future: (d) => `in ${d} (in the future)`, ago: (d) => `${d} ago`, invalidDate: 'not a valid date' },
  verdict: { issued: 'issued', accepted: (s) => `accepted (${s})`, refused: (e, s) => (e === undefined ? `refused (${s})` : `refused: ${e}`) },
  head: { on: 'on', client: 'client', method: 'method', verified: 'verified', presented: 'presented', trace: 'trace' },
  why: {
    refusedAtCheck: 'Refused at the check', rule: 'Rule', notGiven: 'not given', answered: 'answered', libCode: 'lib code',
    refused: 'Refused', refusedWith: 'Refused with', answeredOnly: 'Answered', allPassed: (n) => `All ${en.checks(n)} passed`, authenticatedWith: 'the client authenticated with',
  },
  sections: {
    exchange: 'The exchange', headers: 'Headers that matter', form: 'Form parameters', query: 'Query parameters', json: 'JSON body',
    secretsMasked: '(secrets masked)', tokensMasked: '(tokens masked)', decoded: (name) => `${name}: decoded, not verified`, timesRelative: '(times relative to the request)',
    joseHeader: 'JOSE header', claims: 'claims', certificate: 'Client certificate', checks: 'Checks', checksInOrder: 'Checks, in the order the server made them',
    noChecks: 'this endpoint made no client-authentication checks', notes: 'Notes', inputs: 'What came in', response: 'What went out', body: 'Body', none: 'none',
  },
  checkColumns: { check: 'check', found: 'what the server found', rule: 'rule' },
  certificate: {
    none: 'none', selfIssued: '(self-issued)', receivedFrom: 'received from', tls: 'the TLS handshake', proxy: (h) => `the ${h} header of a trusted proxy`,
    noChain: 'with no intermediate certificates', chain: (n) => `with ${n} more certificate${n === 1 ? '' : 's'} in the chain`,
  },
  noTrace: 'no trace recorded',
  diagram: {
    client: 'Client', proxy: 'TLS-terminating proxy', server: 'Authorization server', with: 'with',
    tlsHandshake: 'TLS handshake', tlsHandshakeCertificate: 'TLS handshake, client certificate', tlsNoCertificate: 'TLS handshake, no client certificate',
    mutualTls: 'mutual TLS handshake, client certificate', certificateIn: (h) => `certificate in ${h}`,
    passed: (n) => `${en.checks(n)} passed`, passedFailed: (p, f) => `${p} passed, ${f} failed`, tokenIssued: 'access token issued', ok: 'OK',
  },
  sentence({ client, method, call, viaProxy, transport, checks, answer }) {
    const who = client === undefined ? 'A client' : `Client ${client}`;
    const how = method === undefined ? '' : ` (${method})`;
    const path = viaProxy ? ' through a TLS-terminating proxy' : '';
    const tls = transport.kind !== 'certificate' ? (transport.kind === 'http' ? ' over plain HTTP' : ' over TLS without a client certificate')
      : ` with the client certificate ${transport.subject}${transport.header === undefined ? ' from the TLS handshake' : ` forwarded in ${transport.header}`}`;
    const counted = checks === undefined ? '' : checks.failed === undefined ? `; ${en.checks(checks.passed)} passed` : `; ${en.checks(checks.passed)} passed and ${checks.failed} failed`;
    const answered = `${answer.status}${answer.error === undefined ? '' : ` ${answer.error}`}${answer.token ? ' with an access token' : ''}`;
    return `${who} sent ${call}${how} to the authorization server${path}${tls}${counted}; the server answered ${answered}.`;
  },
};

const ja: TraceLabels = {
  checks: (n) => `${n} 件のチェック`,
  duration: { seconds: (n) => `${n} 秒`, minutes: (n) => `${n} 分`, hours: (n) => `${n} 時間`, days: (n) => `${n} 日` },
  time: { expiresIn: (d) => `${d}後に期限切れ`, expiresNow: 'いま期限切れ', expiredAgo: (d) => `${d}前に期限切れ`, now: 'いま', future: (d) => `${d}後 (未来)`, ago: (d) => `${d}前`, invalidDate: '有効な日時ではない' },
  verdict: { issued: '発行', accepted: (s) => `受理 (${s})`, refused: (e, s) => (e === undefined ? `拒否 (${s})` : `拒否: ${e}`) },
  head: { on: '·', client: 'クライアント', method: '方式', verified: '検証済み', presented: '提示のみ', trace: 'トレース' },
  why: {
    refusedAtCheck: '拒否したチェック', rule: '根拠', notGiven: '記載なし', answered: '応答', libCode: 'lib のコード',
    refused: '拒否', refusedWith: '拒否', answeredOnly: '応答済み', allPassed: (n) => `${n} 件のチェックをすべて通過`, authenticatedWith: 'クライアント認証の方式:',
  },
  sections: {
    exchange: 'やり取り', headers: '判断に使ったヘッダー', form: 'フォームパラメーター', query: 'クエリパラメーター', json: 'JSON ボディ',
    secretsMasked: '(秘密はマスク済み)', tokensMasked: '(トークンはマスク済み)', decoded: (name) => `${name}: デコードのみ (未検証)`, timesRelative: '(時刻はリクエスト時点から見た値)',
    joseHeader: 'JOSE ヘッダー', claims: 'クレーム', certificate: 'クライアント証明書', checks: 'チェック', checksInOrder: 'サーバーが行ったチェック (実行順)',
    noChecks: 'このエンドポイントはクライアント認証のチェックを行いません', notes: '補足', inputs: '受け取ったもの', response: '返したもの', body: 'ボディ', none: 'なし',
  },
  checkColumns: { check: 'チェック', found: 'サーバーが確認した内容', rule: '根拠' },
  certificate: {
    none: 'なし', selfIssued: '(自己発行)', receivedFrom: '受け取り経路', tls: 'TLS ハンドシェイク', proxy: (h) => `信頼するプロキシの ${h} ヘッダー`,
    noChain: '中間証明書なし', chain: (n) => `チェーンに証明書がほかに ${n} 枚`,
  },
  noTrace: 'トレースは記録されていません',
  diagram: {
    client: 'クライアント', proxy: 'TLS を終端するプロキシ', server: '認可サーバー', with: '方式',
    tlsHandshake: 'TLS ハンドシェイク', tlsHandshakeCertificate: 'TLS ハンドシェイク (クライアント証明書あり)', tlsNoCertificate: 'TLS ハンドシェイク (クライアント証明書なし)',
    mutualTls: '相互 TLS ハンドシェイク (クライアント証明書あり)', certificateIn: (h) => `${h} で証明書を転送`,
    passed: (n) => `${n} 件のチェックを通過`, passedFailed: (p, f) => `${p} 件通過、${f} で失敗`, tokenIssued: 'アクセストークン発行', ok: 'OK',
  },
  sentence({ client, method, call, viaProxy, transport, checks, answer }) {
    const who = client === undefined ? 'クライアント' : `クライアント ${client}`;
    const how = method === undefined ? '' : ` (${method})`;
    const path = viaProxy ? 'TLS を終端するプロキシ経由で、' : '';
    const tls = transport.kind !== 'certificate' ? (transport.kind === 'http' ? '平文の HTTP で' : 'クライアント証明書なしの TLS で')
      : `クライアント証明書 ${transport.subject} を${transport.header === undefined ? ' TLS ハンドシェイクで示して' : ` ${transport.header} ヘッダーで転送して`}`;
    const counted = checks === undefined ? '' : checks.failed === undefined ? `${checks.passed} 件のチェックをすべて通過し、` : `${checks.passed} 件のチェックを通過したあと ${checks.failed} で失敗し、`;
    const answered = `${answer.status}${answer.error === undefined ? '' : ` ${answer.error}`}${answer.token ? ' (アクセストークンあり)' : ''}`;
    return `${who}${how}が${path}${tls}認可サーバーに ${call} を送りました。${counted}サーバーは ${answered} を返しました。`;
  },
};

export const TRACE_LABELS: Readonly<Record<LabLanguage, TraceLabels>> = { en, ja };

export interface HelperLabels {
  accepted(status: number): string;
  refused(status: number, check: string | undefined, code: string | undefined): string;
  noPrediction(verdict: string): string;
  predictionMatches(verdict: string): string;
  predictionDiffers(verdict: string): string;
  columns: { member: string; predicted: string; server: string; case: string; rule: string };
  predictedLine(member: string, predicted: string, actual: string): string;
  noPredictionYet: string;
  noPredictions(n: number): string;
  predictedRight(right: number, total: number, blank: number): string;
  caseLine(mark: string, name: string, guess: string, server: string): string;
  serverReason(check: string, detail: string, spec: string): string;
  replay: { heading(now: string, n: number): string; more(n: number): string; others(n: number, missing: string | undefined): string; expiresAt: string; expiresIn: string };
}

const helpersEn: HelperLabels = {
  accepted: (s) => `the server accepted the request (HTTP ${s})`,
  refused: (s, check, code) => `the server refused it: HTTP ${s}${check === undefined ? '' : `, check "${check}"`}${code === undefined ? '' : ` (${code})`}`,
  noPrediction: (v) => `No prediction written yet. This time ${v}. Write one in the cell above, then run both cells again.`,
  predictionMatches: (v) => `Your prediction matches: ${v}.`,
  predictionDiffers: (v) => `Not quite, and that is what this cell is for: ${v}. Compare below, then read the failed check in the trace.`,
  columns: { member: 'member', predicted: 'you predicted', server: 'the server', case: 'case', rule: 'rule' },
  predictedLine: (m, p, a) => `${m}: you predicted ${p}, the server: ${a}`,
  noPredictionYet: '(no prediction yet)',
  noPredictions: (n) => `No predictions written yet: here is what the server answered to all ${n}. Fill in the table above and run both cells again.`,
  predictedRight: (r, t, b) => `${r} of ${t} predicted right${b > 0 ? ` (${b} left blank)` : ''}. A ✗ is a rule worth rereading: the last column cites it.`,
  caseLine: (mark, name, guess, server) => `${mark} ${name}: you predicted ${guess}; the server: ${server}`,
  serverReason: (check, detail, spec) => `the server's reason, check "${check}": ${detail}  [${spec}]`,
  replay: {
    heading: (now, n) => `Replay store at ${now} (server clock): ${n} (iss, jti) pair${n === 1 ? '' : 's'} that may not be used again yet.`,
    more: (n) => `… and ${n} more, expiring later.`,
    others: (n, missing) => `${missing === undefined ? '' : `No pair with jti ${missing}; `}${n} other pair${n === 1 ? '' : 's'} not shown.`,
    expiresAt: 'expires at', expiresIn: 'expires in',
  },
};

const helpersJa: HelperLabels = {
  accepted: (s) => `サーバーはリクエストを受理しました (HTTP ${s})`,
  refused: (s, check, code) => `サーバーは拒否しました: HTTP ${s}${check === undefined ? '' : `、チェック「${check}」`}${code === undefined ? '' : ` (${code})`}`,
  noPrediction: (v) => `予想がまだ書かれていません。今回の結果: ${v}。上のセルに予想を書いてから、2 つのセルをもう一度実行してください。`,
  predictionMatches: (v) => `予想どおりです: ${v}。`,
  predictionDiffers: (v) => `予想と違いました。このセルはそれを確かめるためのものです: ${v}。下の表で比べてから、トレースで失敗したチェックを読んでください。`,
  columns: { member: '項目', predicted: 'あなたの予想', server: 'サーバー', case: 'ケース', rule: '根拠' },
  predictedLine: (m, p, a) => `${m}: 予想 ${p}、サーバー ${a}`,
  noPredictionYet: '(予想なし)',
  noPredictions: (n) => `予想がまだ書かれていません。${n} 件すべてに対するサーバーの応答を示します。上の表を埋めてから、2 つのセルをもう一度実行してください。`,
  predictedRight: (r, t, b) => `${t} 件中 ${r} 件の予想が当たりました${b > 0 ? ` (未記入 ${b} 件)` : ''}。✗ の行は読み直す価値のある規則です。最後の列に根拠があります。`,
  caseLine: (mark, name, guess, server) => `${mark} ${name}: 予想 ${guess}、サーバー ${server}`,
  serverReason: (check, detail, spec) => `サーバーが示した理由 (チェック「${check}」): ${detail}  [${spec}]`,
  replay: {
    heading: (now, n) => `${now} (サーバーの時計) のリプレイ記録: まだ再利用できない (iss, jti) の組が ${n} 件あります。`,
    more: (n) => `… ほかに ${n} 件 (より後に期限切れ)。`,
    others: (n, missing) => `${missing === undefined ? '' : `jti ${missing} の組はありません。`}表示していない組がほかに ${n} 件あります。`,
    expiresAt: '有効期限', expiresIn: '残り時間',
  },
};

export const HELPER_LABELS: Readonly<Record<LabLanguage, HelperLabels>> = { en: helpersEn, ja: helpersJa };
