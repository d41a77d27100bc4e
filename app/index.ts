export { KernelSession, KernelError, outputOf, appendOutput } from './kernel/kernel-manager.js';
export type { KernelSpec, KernelStatus, KernelOptions, NotebookOutput, ExecuteResult } from './kernel/kernel-manager.js';
export { projectKernelSpec } from './kernel/kernelspec.js';
export { newConnectionInfo, freePorts } from './kernel/connection.js';
export type { ConnectionInfo } from './kernel/connection.js';
export { sign, serialize, deserialize, newMessage, KernelMessageError, PROTOCOL_VERSION } from './kernel/messages.js';
export type { JupyterMessage, MessageHeader } from './kernel/messages.js';
