// Files holding credentials (the playground's kubeconfigs): written whole or not at all, owner-only,
// and never through a symbolic link someone left at the path.
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  lstatSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
  constants,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../core/errors.js';

/** Throws a UsageError when `path` exists and is a symlink or anything but a regular file. */
export function refuseUnsafeTarget(path: string, what: string): void {
  let st;
  try {
    st = lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (st.isSymbolicLink()) {
    throw new UsageError(`refusing to write the ${what} to ${path}: it is a symbolic link`, {
      reason: 'SymlinkRefused',
      hint: 'pass --kubeconfig-out a path that is not a symbolic link (the link and its target are left as they are)',
    });
  }
  if (!st.isFile()) {
    throw new UsageError(`refusing to write the ${what} to ${path}: it exists and is not a regular file`, {
      reason: 'NotAFile',
      hint: 'pass --kubeconfig-out the path of a new or regular file',
    });
  }
}

/**
 * Writes `text` to `path` with mode 0600: a new temp file (O_EXCL, 0600) in the same directory,
 * then a rename over `path`. A file already there is replaced, so its old mode does not survive.
 */
export function writePrivateFile(path: string, text: string, what: string): void {
  refuseUnsafeTarget(path, what);
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(
    tmp,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0),
    0o600,
  );
  try {
    try {
      fchmodSync(fd, 0o600);
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
