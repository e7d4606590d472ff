// The Node.js versions connect-telemetry runs on, checked by the command
// line before it loads anything else: on an older Node the bundled code fails
// while its modules are being linked, with an error that does not say which
// Node it needs. Kept in step with package.json "engines", which is what the
// dependencies themselves declare (chokidar 6: 22.22; write-file-atomic 8:
// 22.22.2, 24.15.0 or 26). This file imports nothing and uses only syntax
// that any Node.js still in use can parse.

/** The least supported version of each supported major line; later majors than the last are supported too. */
export const SUPPORTED = [
  [22, 22, 2],
  [24, 15, 0],
  [26, 0, 0],
];

/** [major, minor, patch] of a version such as "20.20.2" or "v22.22.2"; NaN where a part is missing. */
function partsOf(version) {
  const parts = String(version).replace(/^v/, '').split('.');
  return [0, 1, 2].map(function (i) {
    return parseInt(parts[i], 10);
  });
}

function atLeast(parts, least) {
  for (let i = 0; i < 3; i++) {
    if (parts[i] !== least[i]) return parts[i] > least[i];
  }
  return true;
}

/** True when `version` is one connect-telemetry runs on. */
export function isSupportedNode(version) {
  const parts = partsOf(version);
  if (parts.some(isNaN)) return false;
  const last = SUPPORTED[SUPPORTED.length - 1];
  if (parts[0] > last[0]) return true;
  const line = SUPPORTED.find(function (least) {
    return least[0] === parts[0];
  });
  return line !== undefined && atLeast(parts, line);
}

/** The one line to print when `version` is not supported, or undefined when it is. */
export function nodeVersionProblem(version) {
  if (isSupportedNode(version)) return undefined;
  const [oldest] = SUPPORTED;
  const shown = String(version).replace(/^v/, '');
  if (partsOf(version)[0] <= oldest[0]) return 'connect-telemetry needs Node.js ' + oldest.join('.') + ' or later; this is ' + shown;
  const lines = SUPPORTED.slice(0, -1).map(function (least) {
    return least[0] + ' (' + least.join('.') + ' or later)';
  });
  return 'connect-telemetry needs Node.js ' + lines.join(', ') + ' or ' + SUPPORTED[SUPPORTED.length - 1][0] + ' and later; this is ' + shown;
}
