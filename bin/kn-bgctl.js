#!/usr/bin/env node
// kn's plugin discovery runs `kn-bgctl` (plugins directory, else PATH) for `kn bgctl …` (docs/plugins.md).
'use strict';
require('./check-node.js')('kn bgctl');
require('./launch.js')('kn bgctl');
