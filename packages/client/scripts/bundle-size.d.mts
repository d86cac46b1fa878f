/** Types of bundle-size.mjs (a plain ES module script, run by node without a build step). */
export interface BrowserBundle {
  /** The minified ES module. */
  readonly code: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  /** Every source file bundled, relative to the working directory. */
  readonly inputs: string[];
}

export function bundleForBrowser(): Promise<BrowserBundle>;
