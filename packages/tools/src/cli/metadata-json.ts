/** msc-metadata-json: the original's get_metadata_json — DICOM (or a table) → the nested JSON tree. */
import { MscError, defineCli, namedPath, parse, writeSummary, type Command } from '@msc/core';
import { metadataJson } from '../metadata-json.js';

interface Flags {
  inputDir?: string[];
  outputPath?: string;
  pattern?: string;
  dicomRecursion?: number;
  nWorkers?: number;
}

export const main = defineCli<Flags>({
  name: 'msc-metadata-json',
  description:
    'Write the nested metadata JSON (patient → study → series → column → unique values) of DICOM folders or a feature table; msc-predict reads it as input',
  configure: (command: Command) =>
    command
      .argument('[inputs...]', 'DICOM files or folders (walked to any depth), or feature tables')
      .option('-i, --input-dir <dir...>', 'input folders (as positional arguments; the original spelling)')
      .option('-o, --output-path <file.json>', 'the nested JSON')
      .option('--pattern <glob>', "only files whose name matches, e.g. '*dcm'")
      .option('--dicom-recursion <depth>', 'folder levels to descend below each input (default: unlimited)', parse.count(0))
      .option('--n-workers <n>', 'worker threads reading headers (default: the cores)', parse.count(0)),
  helpText: `
Every column msc-extract reads, but the file path, with its unique values per series; files that
are not DICOM images (SEG, SR, unreadable) are counted in the summary and left out.`,
  paths: (flags, args) => ({
    inputs: [...args, ...(flags.inputDir ?? [])].map((path) => ({ path, role: 'an input' })),
    outputs: [namedPath(flags.outputPath, 'the output')],
  }),
  async run(flags, args, io) {
    const inputs = [...args, ...(flags.inputDir ?? [])];
    if (inputs.length === 0) throw new MscError('E_USAGE', 'no input given', { hint: 'msc-metadata-json <dicom-folder> -o metadata.json' });
    if (!flags.outputPath) throw new MscError('E_USAGE', 'no output given', { hint: 'add -o metadata.json' });
    const { summary } = await metadataJson(inputs, flags.outputPath, {
      ...(flags.pattern ? { pattern: flags.pattern } : {}),
      ...(flags.dicomRecursion !== undefined ? { maxDepth: flags.dicomRecursion } : {}),
      ...(flags.nWorkers !== undefined ? { workers: flags.nWorkers } : {}),
    });
    writeSummary(
      io,
      summary,
      `msc-metadata-json: ${summary.patients} patients, ${summary.studies} studies, ${summary.series} series from ${summary.instances} instances (${summary.skipped} files skipped) → ${summary.output}`,
    );
    return 0;
  },
});
