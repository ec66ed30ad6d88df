/**
 * msc-predict --orthanc / --dicomweb: flag mistakes are usage errors (exit 2) and a PACS that does
 * not answer is E_UPSTREAM (exit 6), before anything is predicted. (Labels through a real Orthanc:
 * packages/serve/test/pacs-routes.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { captureIo } from '@msc/core';
import { freePort } from '@msc/pacs/testing';
import { main } from '../src/cli/main.js';

async function run(args: string[], env: Record<string, string> = {}) {
  const io = captureIo({ env });
  const status = await main(args, io);
  return { status, stderr: io.err() };
}

describe('msc-predict with a PACS', () => {
  it.each([
    [['--study-uid', '1.2'], /--study-uid and --update-labels need --orthanc or --dicomweb/],
    [['--orthanc', 'http://127.0.0.1:9'], /--orthanc needs --study-uid/],
    [['--dicomweb', '--study-uid', '1.2'], /--dicomweb needs a URL/],
    [['--orthanc', 'http://127.0.0.1:9', '--dicomweb', 'http://127.0.0.1:9', '--study-uid', '1.2'], /cannot be combined/],
    [['--dicomweb', 'http://127.0.0.1:9', '--study-uid', '1.2', '--update-labels'], /--update-labels works with --orthanc only/],
    [['some-folder', '--orthanc', 'http://127.0.0.1:9', '--study-uid', '1.2'], /give no file inputs with it/],
    [['--orthanc', 'http://127.0.0.1:9', '--study-uid', '1.2.*'], /not a StudyInstanceUID/],
    [['--orthanc', 'ftp://pacs', '--study-uid', '1.2'], /must be http or https/],
  ])('refuses %j with exit 2', async (args, message) => {
    const result = await run(args);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('exits 6 with the server named when the PACS does not answer', async () => {
    const port = await freePort();
    const result = await run(['--orthanc', '--study-uid', '1.2.3'], {
      ORTHANC_URL: `http://127.0.0.1:${port}`,
      ORTHANC_PASSWORD: 'not-in-messages',
      ORTHANC_USER: 'u',
    });
    expect(result.status).toBe(6);
    expect(result.stderr).toMatch(
      new RegExp(`^error \\[E_UPSTREAM\\]: Orthanc is unreachable \\(ECONNREFUSED\\) for POST http://127\\.0\\.0\\.1:${port}/tools/find`),
    );
    expect(result.stderr).not.toContain('not-in-messages');
  });
});
