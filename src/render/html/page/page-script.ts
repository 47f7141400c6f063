import { SCRIPT_CORE } from './script-core.js';
import { SCRIPT_DETAILS } from './script-details.js';
import { SCRIPT_MAIN } from './script-main.js';
import { SCRIPT_TABLES } from './script-tables.js';
import { SCRIPT_WATERFALL } from './script-waterfall.js';

/**
 * The page's one script, its parts in the order they are needed, in a function of its own so that
 * nothing leaks onto `window`. The same text every run: its hash is the page's script-src.
 */
export const PAGE_SCRIPT = `(function () {\n'use strict';\n${[
  SCRIPT_CORE,
  SCRIPT_TABLES,
  SCRIPT_DETAILS,
  SCRIPT_WATERFALL,
  SCRIPT_MAIN,
].join('')}})();\n`;
