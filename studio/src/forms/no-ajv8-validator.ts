/**
 * Stand-in for `@rjsf/validator-ajv8`, which `@rjsf/core` imports only from its test helper
 * `getTestRegistry` (and does not declare as a dependency). The studio never uses that helper
 * nor ajv in the browser: ajv compiles validators with `new Function`, which the runtime's CSP
 * (`script-src 'self'`) forbids. See docs/adr/004-studio-forms.md.
 */
function refuse(): never {
  throw new Error('The ajv8 validator is not available in the studio (CSP forbids eval); use InterpretingValidator.');
}

/** Throws: the studio validates with `InterpretingValidator`. */
export function customizeValidator(): never {
  return refuse();
}

/** Throws: the studio validates with `InterpretingValidator`. */
export const validator = new Proxy({}, { get: () => refuse });
export default validator;
