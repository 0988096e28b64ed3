// Rewrites the golden record files (test/golden/records/ and the fixture plan the kit embeds) from the current code.
// Only after a deliberate change of the record bytes, with the reason in the commit: the golden tests only compare.
import { writeFileSync } from 'node:fs';
import { goldenFiles, goldenPath } from '../test/record/golden-files';

const files = goldenFiles();
for (const file of Object.keys(files)) {
  writeFileSync(goldenPath(file), files[file]);
  console.log('wrote ' + file);
}
