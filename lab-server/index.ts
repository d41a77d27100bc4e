// The public API of @client-auth-lab/lab-server. Every name is exported explicitly.
export { createLabApp, labContextOf, preloadClients } from './app.js';
export type { LabAppOptions } from './app.js';
export { startLabServer } from './listen.js';
export type { StartLabServerOptions, RunningLabServer } from './listen.js';
export { startLab, formatTrace, NOTEBOOK_APP_LABS_ENV } from './notebook.js';
export type { Lab, LabEndpoints } from './notebook.js';
export { notebookHelpers, displayTrace, displayBundle, comparePrediction } from './notebook-helpers.js';
export type { NotebookHelpers, Prediction, PredictionLine, PredictionResult, Refusal, TslabModule } from './notebook-helpers.js';
export { resolveConfig, parseProfileName, normalizeAddress, DEFAULT_RESOURCE_SERVER, DEFAULT_USERS } from './config.js';
export type { LabServerOptions, ResolvedConfig, ProfileName, ResourceServerCredentials, TrustedAssertionIssuer, LabUser } from './config.js';
export { PATHS } from './context.js';
export type { LabContext, LabState } from './context.js';
export { openLabCertificateAuthority } from './lab-ca.js';
export type { LabCertificateAuthority, ClientCertificateOptions, IssuedClientCertificate, ServerCertificate } from './lab-ca.js';
export { TraceBuffer, maskSecret, maskToken, maskJwtSignature, maskAuthorization, maskPrivateKeys } from './traces.js';
export type { Trace, TraceRequest, TraceResponse, CertificateSummary, TraceBufferOptions, TracePublisher } from './traces.js';
export { ClassroomTally } from './classroom.js';
export type { ClassView, ClassRow, FailingCheck, LastResult } from './classroom.js';
export { createMemoryStore, openFileStore, STORE_FILE } from './store/index.js';
export type {
  LabStore, Collection, StoredClient, TokenRecord, AuthorizationCodeRecord, DeviceCodeRecord, CibaRequestRecord,
} from './store/index.js';
export { parseFormUrlEncoded } from './form.js';
export type { FormParameters } from './form.js';
export { labRequest } from './http-client.js';
export type { LabRequestOptions, LabResponse } from './http-client.js';
export { renderTraceHtml, renderTraceMarkdown, traceSequenceDiagram, traceDiagramSentence, traceOutputs } from './trace-render.js';
export type { RenderTraceOptions, MimeBundle } from './trace-render.js';
export { specLinks, specUrl } from './spec-links.js';
export type { SpecLink } from './spec-links.js';
export { traceResult, traceMethod, classroomRows } from './trace-summary.js';
export type { TraceResult, TraceMethod, ClassroomRow } from './trace-summary.js';
export { TRACE_ACCESS_MODES, traceViewerOf, bearerTokenOf } from './trace-access.js';
export type { TraceAccessMode, TraceViewer } from './trace-access.js';
export { startNginx, findNginx, nginxVersion, nginxConfiguration, NGINX_EXAMPLE_CONFIGURATION } from './nginx.js';
export type { StartNginxOptions, RunningNginx, NginxConfigurationOptions } from './nginx.js';
export { createLabClock, clockShiftNote } from './clock.js';
export type { LabClock } from './clock.js';
