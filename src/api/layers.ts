import { HcsValidationError } from '../errors';
import { unexpectedValueError } from '../core/hcs-errors';
import { invoke } from '../core/invoke';
import { runtime } from './runtime';
import { validateTextArgument } from './validate-id';

/**
 * The GUID vmcompute.dll derives from `name` (`NameToGuid`), in the lower-case `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`
 * form a `Layer.ID` takes. The same name gives the same GUID on every host. Rejects with `HcsValidationError` for
 * an empty name or one with a NUL, before any native call.
 *
 * Whether Windows folds case first is not documented (folder names are case-insensitive there); pass the name as
 * it is on disk, as hcsshim does. The simulator's GUIDs are its own, not Windows' (test/sim/README.md).
 */
export async function nameToGuid(name: string): Promise<string> {
  const operation = 'hcs::NameToGuid';
  validateTextArgument('name', name);
  const res = await invoke({}, operation, () => runtime().api.nameToGuid(name));
  if (res.value === null) throw unexpectedValueError(operation, {}, 'no GUID');
  return res.value;
}

/**
 * The last element of a Windows path, as Go's `filepath.Base` finds it on Windows: after the volume name (`C:`,
 * `\\server\share`), trailing separators (`\` or `/`) dropped. `''` when nothing is left.
 */
export function windowsBaseName(path: string): string {
  const unc = /^[\\/]{2}[^\\/]+[\\/]+[^\\/]+/.exec(path);
  const volume = unc ? unc[0].length : /^[A-Za-z]:/.test(path) ? 2 : 0;
  const rest = path.slice(volume).replace(/[\\/]+$/, '');
  return rest.slice(Math.max(rest.lastIndexOf('\\'), rest.lastIndexOf('/')) + 1);
}

/**
 * A layer's ID as hcsshim computes it (`wclayer.LayerID`): {@link nameToGuid} of the layer folder's base name, so
 * `C:\ProgramData\docker\windowsfilter\<name>` gives the ID docker and hcsshim use for that layer. Rejects with
 * `HcsValidationError` when the path has no last element (empty, `C:\`, a share root).
 */
export async function layerId(path: string): Promise<string> {
  validateTextArgument('path', path);
  const base = windowsBaseName(path);
  if (base === '') throw new HcsValidationError('path', [{ path: '(root)', message: 'has no folder name (a root or a share)' }]);
  return nameToGuid(base);
}
