export interface EmbeddedPostgresLogger {
  log(message: string): void;
  warn(message: string): void;
}

export const consoleLogger: EmbeddedPostgresLogger = {
  log: (message) => console.log(message),
  warn: (message) => console.warn(message),
};
