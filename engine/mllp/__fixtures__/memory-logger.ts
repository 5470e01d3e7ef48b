// A Logger that keeps its lines in memory, so tests can assert what was logged and at which level.
import type { Logger } from '../../logger.ts';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
export interface LogLine {
  level: LogLevel;
  msg: string | undefined;
  obj: Record<string, unknown>;
}

export interface MemoryLogger extends Logger {
  lines: LogLine[];
}

export function memoryLogger(bindings: Record<string, unknown> = {}, lines: LogLine[] = []): MemoryLogger {
  const at = (level: LogLevel) => (obj: object, msg?: string) => {
    lines.push({ level, msg, obj: { ...bindings, ...obj } });
  };
  return {
    lines,
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    child: (more) => memoryLogger({ ...bindings, ...more }, lines),
  };
}
