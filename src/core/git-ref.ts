/**
 * The shape rules of `git check-ref-format` that do not depend on the characters used (the callers check those
 * their own way: a CRD pattern, a character class): no leading `/` or `-`, no trailing `/`, `.` or `.lock`, no
 * `//`, `..` or `@{`, not `@` alone. Pure.
 */
export function refShapeIsValid(ref: string): boolean {
  return !(
    ref.startsWith('/') ||
    ref.startsWith('-') ||
    ref.endsWith('/') ||
    ref.endsWith('.') ||
    ref.endsWith('.lock') ||
    ref.includes('//') ||
    ref.includes('..') ||
    ref.includes('@{') ||
    ref === '@'
  );
}
