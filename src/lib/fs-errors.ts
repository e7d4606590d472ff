/**
 * Turns a failed file system call into a message a user can act on: what
 * could not be read, and why in plain words (ENOENT → "no such config file").
 */
import { UserError, errorCode, errorMessage } from './errors.ts';

export function describeFsError(error: unknown, path: string, what = 'config file'): UserError {
  switch (errorCode(error)) {
    case 'ENOENT':
      return new UserError(`no such ${what}: ${path}`, { cause: error });
    case 'EACCES':
    case 'EPERM':
      return new UserError(`cannot read ${what} ${path}: permission denied`, { cause: error });
    case 'ELOOP':
      return new UserError(`cannot read ${what} ${path}: too many levels of symbolic links`, { cause: error });
    case 'EISDIR':
      return new UserError(`${path} is a directory, expected a ${what}`, { cause: error });
    case 'ENOTDIR':
      return new UserError(`no such ${what}: ${path} (a parent is not a directory)`, { cause: error });
    default:
      return new UserError(`cannot read ${what} ${path}: ${errorMessage(error)}`, { cause: error });
  }
}
