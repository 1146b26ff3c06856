/** The logger the broker writes through (pino-compatible: object first, message second). */
export interface BrokerLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: BrokerLogger = {
  info() {},
  warn() {},
  error() {},
};
