#!/usr/bin/env node
// kubectl's plugin discovery runs `kubectl-bgctl` from PATH for `kubectl bgctl …` (docs/plugins.md).
'use strict';
require('./check-node.js')('kubectl bgctl');
require('./launch.js')('kubectl bgctl');
