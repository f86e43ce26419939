import {
  getMetadataStorage,
  ValidationTypes,
  type MetadataStorage,
  type ValidationArguments,
} from 'class-validator';

/*
 * A shortcut for the common case, a valid payload: class-validator builds error objects, copies
 * arguments and looks up constraint instances for every property even when nothing is wrong
 * (~6 µs for a text message). The check below runs the very same constraint functions, read from
 * class-validator's own metadata, and only answers "valid" or "don't know": any doubt falls back
 * to validateSync, which stays the single source of truth for rules and error messages.
 *
 * It mirrors ValidationExecutor (class-validator 0.15) for validateSync with exactly
 * `{ whitelist: true, forbidNonWhitelisted: true }` and nothing else set.
 */

type Rule = ReturnType<MetadataStorage['getTargetValidationMetadatas']>[number];
type Condition = (object: object, value: unknown) => unknown;
type Validate = (value: unknown, args: ValidationArguments) => unknown;

interface Check {
  readonly validate: Validate;
  readonly each: boolean;
  readonly constraints: unknown[];
}

interface CompiledProperty {
  readonly name: string;
  readonly conditions: readonly Condition[];
  readonly checks: readonly Check[];
}

export type FastCheck = (instance: object) => boolean;

export type CompiledValidator =
  | { readonly compilable: true; readonly check: FastCheck }
  | { readonly compilable: false; readonly reason: string };

class NotCompilable extends Error {}

function isFunction<T extends (...args: never[]) => unknown>(value: unknown): value is T {
  return typeof value === 'function';
}

function conditionOf(rule: Rule): Condition {
  // IsOptional / ValidateIf: the executor calls constraints[0](object, value).
  const condition: unknown = (rule.constraints as unknown[] | undefined)?.[0];
  if (!isFunction<Condition>(condition)) {
    throw new NotCompilable(`${rule.propertyName}: condition is not a function`);
  }
  return condition;
}

function checksOf(rule: Rule, storage: MetadataStorage): Check[] {
  const constraintCls: unknown = rule.constraintCls;
  if (!isFunction(constraintCls)) {
    throw new NotCompilable(`${rule.propertyName}: ${String(rule.name)} has no constraint class`);
  }
  return storage.getTargetValidatorConstraints(constraintCls).map((constraint) => {
    // validateSync skips async constraints altogether; too odd to copy, so never shortcut them.
    if (constraint.async) {
      throw new NotCompilable(`${rule.propertyName}: ${constraint.name} is async`);
    }
    // The instance comes from class-validator's container; the project never swaps it
    // (useContainer), so the one seen now is the one validateSync would use.
    const instance = constraint.instance;
    if (typeof instance.validate !== 'function') {
      throw new NotCompilable(`${rule.propertyName}: ${constraint.name} has no validate()`);
    }
    const validate: Validate = instance.validate.bind(instance);
    return {
      validate,
      each: rule.each === true,
      constraints: rule.constraints as unknown[],
    };
  });
}

function holds(conditions: readonly Condition[], object: object, value: unknown): boolean {
  for (const condition of conditions) {
    if (!condition(object, value)) {
      return false;
    }
  }
  return true;
}

function compileRules(cls: new () => object): FastCheck {
  const storage = getMetadataStorage();
  // Exactly the arguments ValidationExecutor.execute passes for validateSync(instance, options):
  // no schema, always false, strictGroups false, no groups.
  const noSchema = undefined as unknown as string;
  const rules = storage.getTargetValidationMetadatas(cls, noSchema, false, false, undefined);
  if (rules.length === 0) {
    // forbidUnknownValues (on by default) refuses a class without rules.
    throw new NotCompilable('no validation rules');
  }

  const byProperty = new Map<string, { conditions: Condition[]; checks: Check[] }>();
  for (const rule of rules) {
    const at = `${rule.propertyName}`;
    if ((rule.groups?.length ?? 0) > 0 || rule.always !== undefined) {
      throw new NotCompilable(`${at}: uses groups or always`);
    }
    if (rule.validateIf !== undefined) {
      throw new NotCompilable(`${at}: uses validateIf`);
    }
    const property = byProperty.get(rule.propertyName) ?? { conditions: [], checks: [] };
    byProperty.set(rule.propertyName, property);
    switch (rule.type) {
      case ValidationTypes.CONDITIONAL_VALIDATION:
        property.conditions.push(conditionOf(rule));
        break;
      case ValidationTypes.CUSTOM_VALIDATION:
        property.checks.push(...checksOf(rule, storage));
        break;
      default:
        // nested, promise, isDefined, whitelist-only…: not mirrored here.
        throw new NotCompilable(`${at}: rule type ${rule.type} is not handled`);
    }
  }

  const allowed = new Set(byProperty.keys());
  const properties: CompiledProperty[] = [...byProperty].map(([name, rule]) => ({
    name,
    ...rule,
  }));
  const targetName = cls.name;

  return (instance: object): boolean => {
    // The executor looks rules up by instance.constructor: a payload field named `constructor`
    // (or `__proto__`) would make it use other rules.
    if (instance.constructor !== cls) {
      return false;
    }
    // whitelist + forbidNonWhitelisted: every own enumerable key needs a rule. class-validator
    // looks keys up in a plain object, so it lets `toString` & co. through; we answer "don't
    // know" for those and let it decide.
    for (const key of Object.keys(instance)) {
      if (!allowed.has(key)) {
        return false;
      }
    }
    const fields = instance as Record<string, unknown>;
    for (const property of properties) {
      const value = fields[property.name];
      // A false condition (IsOptional on null/undefined) skips the property's other rules.
      if (!holds(property.conditions, instance, value)) {
        continue;
      }
      for (const check of property.checks) {
        const args: ValidationArguments = {
          targetName,
          property: property.name,
          object: instance,
          value,
          constraints: check.constraints,
        };
        // `each` on an Array/Set/Map validates every item (with the same arguments).
        if (check.each && (Array.isArray(value) || value instanceof Set || value instanceof Map)) {
          const items: Iterable<unknown> = value instanceof Map ? value.values() : value;
          for (const item of items) {
            // `=== true`: anything else (a promise, a truthy oddity) is left to validateSync.
            if (check.validate(item, args) !== true) {
              return false;
            }
          }
        } else if (check.validate(value, args) !== true) {
          return false;
        }
      }
    }
    return true;
  };
}

/** Reads the class's rules once; says why when the shortcut cannot mirror them exactly. */
export function compileValidator(cls: new () => object): CompiledValidator {
  try {
    return { compilable: true, check: compileRules(cls) };
  } catch (error) {
    if (error instanceof NotCompilable) {
      return { compilable: false, reason: error.message };
    }
    throw error;
  }
}

const never: FastCheck = () => false;
const compiled = new Map<new () => object, FastCheck>();

/**
 * true only if validateSync(instance, { whitelist: true, forbidNonWhitelisted: true }) finds no
 * error; false means "ask validateSync". Compiled on first use, after every decorator has run.
 */
export function fastValidator(cls: new () => object): FastCheck {
  let check = compiled.get(cls);
  if (check === undefined) {
    const result = compileValidator(cls);
    check = result.compilable ? result.check : never;
    compiled.set(cls, check);
  }
  return check;
}
