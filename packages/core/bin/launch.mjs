// Starts a built MSC binary. Plain JavaScript on purpose: it must run before anything is built, to
// say how to build instead of printing a module-not-found stack trace.
import { fileURLToPath } from 'node:url';

/**
 * @param {string} binUrl import.meta.url of the package's bin script
 * @param {string} name the binary's name, for the message
 * @param {string} [module] the built module exporting `main`, relative to the package's dist/
 *   (packages with several binaries have one module each)
 * @param {string} [early] a built module imported first, whose `startEarly(args)` begins work that
 *   should overlap the loading of the rest (msc-extract starts its first reading thread)
 */
export async function launch(binUrl, name, module = 'cli/main.js', early) {
  let main;
  let runCli;
  try {
    if (early) (await import(new URL(`../dist/${early}`, binUrl).href)).startEarly(process.argv.slice(2));
    ({ main } = await import(new URL(`../dist/${module}`, binUrl).href));
    ({ runCli } = await import(new URL('../dist/index.js', import.meta.url).href));
  } catch (error) {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !/[\\/]dist[\\/]/.test(String(error.message))) throw error;
    const repo = fileURLToPath(new URL('../../../', binUrl));
    process.stderr.write(
      `error [E_NOT_BUILT]: ${name} is not built yet (${String(error.message).split('\n')[0]})\n` + `hint: run \`pnpm install && pnpm build\` in ${repo}\n`,
    );
    process.exitCode = 1;
    return;
  }
  runCli(main);
}
