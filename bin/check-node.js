// Refuses, with a clear message, a Node.js older than bgctl needs (package.json "engines"): npm only warns about
// engines, and a release archive (krew) brings no runtime. Old syntax on purpose: it must parse on any Node.
'use strict';

var MINIMUM = [20, 17];

/** Exits 1 with an error naming `command`, this Node and the fix when `version` (this Node's) is too old. */
module.exports = function checkNode(command, version) {
  var v = String(version || process.versions.node).split('.');
  var major = Number(v[0]);
  var minor = Number(v[1]);
  if (major > MINIMUM[0] || (major === MINIMUM[0] && minor >= MINIMUM[1])) return;
  process.stderr.write(
    'Error: ' +
      command +
      ' needs Node.js ' +
      MINIMUM.join('.') +
      ' or newer; `node` here is ' +
      (version || process.versions.node) +
      ' (' +
      process.execPath +
      ')\n' +
      'Hint: install Node.js ' +
      MINIMUM[0] +
      ' LTS or newer (https://nodejs.org) and put it first on PATH\n',
  );
  process.exit(1);
};
