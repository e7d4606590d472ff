/**
 * Reads the RSA private key that signs reports (the sidecar's --signing-key,
 * and the simulator's). The key's content never reaches a message or a log.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { UserError, errorMessage } from './errors.ts';
import { describeFsError } from './fs-errors.ts';

/**
 * `flag` names the option in messages; `warn` hears that the file is
 * readable by other users (a key should be chmod 600).
 */
export async function readRsaPrivateKey(path: string, flag: string, warn?: (message: string) => void): Promise<KeyObject> {
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch (error) {
    throw describeFsError(error, path, 'signing key file');
  }
  if (warn) {
    const mode = await stat(path).then((info) => info.mode, () => 0); // the read worked: a failed stat only skips the warning
    if ((mode & 0o077) !== 0) warn(`the signing key file is readable by other users; restrict it with chmod 600`);
  }
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'rsa') throw new Error(`a ${key.asymmetricKeyType} key`);
    return key;
  } catch (error) {
    throw new UserError(`${flag}: the file is not a PEM RSA private key (${errorMessage(error).split('\n', 1)[0]})`);
  }
}
