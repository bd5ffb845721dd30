/**
 * Validation of a CustomResourceDefinition object (apiextensions.k8s.io/v1), from apiextensions-apiserver
 * pkg/apis/apiextensions/validation/validation.go ValidateCustomResourceDefinition and
 * validateCustomResourceDefinitionSpec. Run after applyDefaults, which fills names.singular, names.listKind
 * and conversion.strategy the way apiextensions/v1/defaults.go does.
 */
import type { FieldError } from '../errors.js';
import type { Obj } from '../types.js';
import { isObj } from '../types.js';
import { isDNS1035Label, isDNS1123Subdomain } from './content.js';
import { validateCrdSchemaIsStructural } from './crd-structural.js';
import { validateObjectMeta } from './names.js';
import {
  asArray,
  asObj,
  asString,
  at,
  deepEqual,
  forbidden,
  index,
  invalidField,
  notSupported,
  required,
} from './util.js';

function names(spec: Obj): FieldError[] {
  const n = asObj(spec.names) ?? {};
  const errs: FieldError[] = [];
  for (const f of ['plural', 'singular', 'kind', 'listKind']) {
    if (asString(n[f]) === '') errs.push(required(`spec.names.${f}`));
  }
  const label = (v: string) => isDNS1035Label(v).join(',');
  for (const f of ['plural', 'singular']) {
    const v = asString(n[f]);
    if (v && label(v)) errs.push(invalidField(`spec.names.${f}`, v, label(v)));
  }
  for (const f of ['kind', 'listKind']) {
    const v = asString(n[f]);
    if (v && label(v.toLowerCase())) {
      errs.push(
        invalidField(
          `spec.names.${f}`,
          v,
          `may have mixed case, but should otherwise match: ${label(v.toLowerCase())}`,
        ),
      );
    }
  }
  asArray(n.shortNames).forEach((s, i) => {
    const v = asString(s);
    if (label(v)) errs.push(invalidField(index('spec.names.shortNames', i), v, label(v)));
  });
  const kind = asString(n.kind);
  if (kind && kind === asString(n.listKind)) {
    errs.push(invalidField('spec.names.listKind', kind, 'kind and listKind may not be the same'));
  }
  asArray(n.categories).forEach((c, i) => {
    const v = asString(c);
    if (label(v)) errs.push(invalidField(index('spec.names.categories', i), v, label(v)));
  });
  return errs;
}

function conversion(spec: Obj): FieldError[] {
  const c = asObj(spec.conversion);
  if (!c) return [];
  const strategy = asString(c.strategy);
  if (strategy === '') return [required('spec.conversion.strategy')];
  if (strategy !== 'None' && strategy !== 'Webhook') {
    return [notSupported('spec.conversion.strategy', strategy, ['None', 'Webhook'])];
  }
  // Paths name the internal fields (webhookClientConfig), as upstream reports them.
  const webhook = asObj(c.webhook);
  if (strategy === 'Webhook') {
    const errs: FieldError[] = [];
    const cc = asObj(webhook?.clientConfig);
    if (!cc)
      errs.push(required('spec.conversion.webhookClientConfig', 'required when strategy is set to Webhook'));
    else if ((cc.url === undefined) === (cc.service === undefined)) {
      errs.push(required('spec.conversion.webhookClientConfig', 'exactly one of url or service is required'));
    }
    if (asArray(webhook?.conversionReviewVersions).length === 0) {
      errs.push(required('spec.conversion.conversionReviewVersions'));
    }
    return errs;
  }
  return webhook
    ? [
        forbidden(
          'spec.conversion.webhookClientConfig',
          'should not be set when strategy is not set to Webhook',
        ),
      ]
    : [];
}

/**
 * All versions with the same non-empty schema: v1→internal conversion then moves it to the internal
 * top-level `spec.validation`, so errors name `spec.validation.openAPIV3Schema`.
 */
function hoistedSchema(versions: readonly Obj[]): Obj | undefined {
  const first = asObj(at(versions[0], 'schema', 'openAPIV3Schema'));
  if (!first) return undefined;
  return versions.every((v) => deepEqual(at(v, 'schema', 'openAPIV3Schema'), first)) ? first : undefined;
}

function spec(obj: Obj): FieldError[] {
  const s = asObj(obj.spec) ?? {};
  const errs: FieldError[] = [];
  const group = asString(s.group);
  if (group === '') errs.push(required('spec.group'));
  else if (isDNS1123Subdomain(group).length > 0)
    errs.push(invalidField('spec.group', group, isDNS1123Subdomain(group).join(',')));
  else if (group.split('.').length < 2)
    errs.push(invalidField('spec.group', group, 'should be a domain with at least one dot'));

  const scope = asString(s.scope);
  if (scope === '') errs.push(required('spec.scope'));
  else if (scope !== 'Cluster' && scope !== 'Namespaced')
    errs.push(notSupported('spec.scope', scope, ['Cluster', 'Namespaced']));

  const versions = asArray(s.versions).map((v) => asObj(v) ?? {});
  versions.forEach((v, i) => {
    if (!isObj(at(v, 'schema', 'openAPIV3Schema'))) {
      errs.push(required(`spec.versions[${i}].schema.openAPIV3Schema`, 'schemas are required'));
    }
  });
  const hoisted = hoistedSchema(versions);
  const seen = new Set<string>();
  let unique = true;
  let storage = 0;
  versions.forEach((v, i) => {
    const name = asString(v.name);
    if (seen.has(name)) unique = false;
    seen.add(name);
    if (v.storage === true) storage++;
    const label = isDNS1035Label(name).join(',');
    if (label) errs.push(invalidField(`spec.versions[${i}].name`, name, label));
    const schema = asObj(at(v, 'schema', 'openAPIV3Schema'));
    if (schema && !hoisted)
      errs.push(...validateCrdSchemaIsStructural(schema, `spec.versions[${i}].schema.openAPIV3Schema`));
  });
  // The bad value upstream is the internal []CustomResourceDefinitionVersion; the request's JSON stands in.
  const rendered = versions.length > 0 ? s.versions : null;
  if (!unique) errs.push(invalidField('spec.versions', rendered, 'must contain unique version names'));
  if (storage !== 1) {
    errs.push(
      invalidField('spec.versions', rendered, 'must have exactly one version marked as storage version'),
    );
  }
  errs.push(...names(s));
  if (hoisted) errs.push(...validateCrdSchemaIsStructural(hoisted, 'spec.validation.openAPIV3Schema'));
  errs.push(...conversion(s));
  return errs;
}

/** `ValidateCustomResourceDefinition`: metadata (name must be `<plural>.<group>`), then spec. */
export function validateCustomResourceDefinition(obj: Obj): FieldError[] {
  const plural = asString(at(obj, 'spec', 'names', 'plural'));
  const group = asString(at(obj, 'spec', 'group'));
  const meta = validateObjectMeta(obj, {
    namespaced: false,
    nameRule: 'subdomain',
    extraNameCheck: (name) =>
      name === `${plural}.${group}` ? [] : ['must be spec.names.plural+"."+spec.group'],
  });
  return [...meta, ...spec(obj)];
}
