#!/usr/bin/env node
'use strict';
require('./check-node.js')('bgctl');
require('./launch.js')('bgctl');
