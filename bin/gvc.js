#!/usr/bin/env node
// Thin launcher: the CLI is compiled from src/ into dist/ by `npm install` (prepare script).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv);
