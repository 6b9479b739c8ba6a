/** Harbor's answer could not be had at all (bad credentials, no connection): the run stops (exit code 2). */
export class PreflightConnectionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PreflightConnectionError';
  }
}
