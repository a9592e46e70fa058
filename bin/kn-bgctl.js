#!/usr/bin/env node
// kn's plugin discovery runs `kn-bgctl` (plugins directory, else PATH) for `kn bgctl …` (docs/plugins.md).
'use strict';
require('./launch.js')('kn bgctl');
