// The sources live in src/ and libs/ side by side, so tsc emits dist/src/main.js; the
// documented entry point is dist/main.js.
import { writeFileSync } from 'node:fs';
writeFileSync(new URL('../dist/main.js', import.meta.url), "'use strict';\nrequire('./src/main.js');\n");
