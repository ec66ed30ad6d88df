// Starts a built MSC binary. Plain JavaScript on purpose: it must run before anything is built, to
// say how to build instead of printing a module-not-found stack trace.
import { fileURLToPath } from 'node:url';

/**
 * Early work is an optimisation: when it cannot start (no thread can be made), the job runs without
 * it. A missing build still reaches the E_NOT_BUILT message below, through the job's own import.
 */
async function startEarly(url) {
  let module;
  try {
    module = await import(url);
  } catch {
    return;
  }
  try {
    module.startEarly(process.argv.slice(2));
  } catch {
    // the run's pool starts its threads itself and reports what fails there
  }
}

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
    if (early) await startEarly(new URL(`../dist/${early}`, binUrl).href);
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
