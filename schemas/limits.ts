/**
 * The size limits every input document is held to. They exist to bound the work of validating hostile or broken
 * input, and are set far above anything a real configuration holds.
 */

/**
 * The most items any array in an input document may have: the typed lists (`CommandArgs`, `Layers`,
 * `MappedDirectories`, `EndpointList`, `Ids`, `PropertyTypes`...) and every array inside the free-form fields
 * (`OCISpecification`, `Settings`). A longer array is refused by its length alone, before any item is read.
 *
 * Why it is needed: an array's `length` costs nothing to set (`a.length = 2 ** 32 - 1` makes a sparse array of
 * 4294967295 holes in a few bytes), yet validating or copying it item by item takes minutes and gigabytes.
 *
 * Why 16384 (2^14), for every field alike: per-field limits would be guesswork, and this one is far beyond the real
 * use of each. The longest list in practice is argv (`CommandArgs`): a Windows command line holds at most 32767
 * UTF-16 units, and each argument takes at least two of them (a character and the separating space), so no more than
 * 16384 arguments fit; a Linux guest's execve allows more in theory, but no real invocation sent through HCS comes
 * near. Image layers number in the tens, virtual disks are at most 256 (4 SCSI controllers of 64), endpoints and
 * assigned devices a few, a query lists at most the compute systems of one host, and an OCI spec's longest arrays
 * (environment, seccomp syscall names, mounts) hold hundreds. At this limit a typed list made only of holes (zod
 * checks every item, one problem per hole) takes a few tenths of a second at most; a free-form array stops at its
 * first hole.
 */
export const MAX_ARRAY_ITEMS = 16384;

/**
 * The most problems a validation lists: the first ones found, in document order, then one note saying how many more
 * there are. Why: a document can hold thousands of problems (16384 holes, 50000 misspelt keys); listing them all makes
 * a message of megabytes that no one reads.
 */
export const MAX_LISTED_ISSUES = 20;

/**
 * The most values one free-form field (`OCISpecification`, `Settings`) may hold, counting every array, object,
 * string, number, boolean and null as written out: a value referenced from several places counts each time, because
 * JSON writes it out each time.
 *
 * Why it is needed: shared references make a small object graph stand for a huge document (`v = [v, v]` forty times
 * is forty arrays that write out as 2^40 values), which no per-array or depth limit catches; walking or writing it
 * would never end. Why a million: a real OCI runtime spec holds hundreds to a few thousand values, and walking a
 * million takes a fraction of a second.
 */
export const MAX_JSON_VALUES = 1_000_000;
