import type { Koffi } from './koffi-runtime';

type TypeObject = ReturnType<Koffi['type']>;

/**
 * Returns koffi's type named `name`, declaring it with `create` if it does not exist yet. Why: koffi's type names
 * are process-wide and a second declaration throws "Duplicate type name"; the same module can be evaluated twice in
 * one process (jest gives each test file its own module registry, but koffi's native state is shared), so every
 * named type is declared through here.
 */
export function defineType(koffi: Koffi, name: string, create: () => TypeObject): TypeObject {
  try {
    return koffi.type(name);
  } catch {
    return create();
  }
}
