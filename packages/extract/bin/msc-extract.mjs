#!/usr/bin/env node
import { launch } from '@msc/core/launch';

await launch(import.meta.url, 'msc-extract', 'cli/main.js', 'cli/early-thread.js');
