import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import {
  parameterPages,
  ParameterSchema,
  TemplateEntity,
} from '../TemplateFolder';
import { Finding } from './Finding';

/** The GitLab hosts of app-config.yaml's integrations, with `${VAR:-default}` read as its default. */
export function configuredGitlabHosts(appConfigFile: string): string[] {
  const config = parse(readFileSync(appConfigFile, 'utf8')) ?? {};
  return ((config.integrations?.gitlab ?? []) as Array<{ host?: string }>)
    .map(entry =>
      String(entry.host ?? '').replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, '$1'),
    )
    .filter(host => host !== '' && !host.includes('${'));
}

function properties(
  template: TemplateEntity,
): Array<[string, ParameterSchema]> {
  const walk = (
    props: Record<string, ParameterSchema> = {},
    prefix = '',
  ): Array<[string, ParameterSchema]> =>
    Object.entries(props).flatMap(([key, schema]) => [
      [`${prefix}${key}`, schema] as [string, ParameterSchema],
      ...(schema.properties ? walk(schema.properties, `${prefix}${key}.`) : []),
    ]);
  return parameterPages(template).flatMap(page => walk(page.properties));
}

/** The parameters the form validates with a pattern: the gates try a value each must refuse. */
export function patternParameters(
  template: TemplateEntity,
): Array<[string, ParameterSchema]> {
  return properties(template).filter(
    ([, schema]) => typeof schema.pattern === 'string',
  );
}

/**
 * The shape every Fleetdeck template keeps: a v1beta3 Template named after its folder; patterns explained with
 * ui:help; owners picked from the catalog (Group or User); repositories on whichever GitLab the portal is
 * configured for (no hosts pinned in the template); the skeleton fetched before anything is published; the new
 * component registered; output links.
 */
export function checkTemplateForm(
  folderName: string,
  template: TemplateEntity,
): Finding[] {
  const findings: Finding[] = [];
  const file = `${folderName}/template.yaml`;
  const add = (rule: string, message: string, object?: string) =>
    findings.push({ gate: 'template', file, object, rule, message });

  if (
    template.apiVersion !== 'scaffolder.backstage.io/v1beta3' ||
    template.kind !== 'Template'
  ) {
    add('entity', 'must be a scaffolder.backstage.io/v1beta3 Template');
  }
  if (template.metadata?.name !== folderName)
    add('entity', `metadata.name must be the folder's name (${folderName})`);
  if (
    typeof template.spec?.owner !== 'string' ||
    typeof template.spec?.type !== 'string'
  )
    add('entity', 'spec.owner and spec.type are required');

  for (const [name, schema] of properties(template)) {
    const object = `parameter ${name}`;
    if (
      typeof schema.pattern === 'string' &&
      typeof schema['ui:help'] !== 'string'
    ) {
      add(
        'pattern-explained',
        'a parameter validated by pattern needs ui:help saying what is accepted',
        object,
      );
    }
    if (name === 'owner' || schema['ui:field'] === 'OwnerPicker') {
      const options = (schema['ui:options'] ?? {}) as Record<string, any>;
      const kinds: unknown =
        options.catalogFilter?.kind ?? options.allowedKinds;
      const kindList = ([] as unknown[]).concat(kinds ?? []);
      if (schema['ui:field'] !== 'OwnerPicker')
        add(
          'owner-picker',
          'owners are picked with ui:field OwnerPicker',
          object,
        );
      else if (
        kindList.length === 0 ||
        kindList.some(k => k !== 'Group' && k !== 'User')
      ) {
        add(
          'owner-picker',
          'OwnerPicker must offer Group and/or User only (ui:options.catalogFilter.kind)',
          object,
        );
      }
    }
    if (
      schema['ui:field'] === 'RepoUrlPicker' &&
      (schema['ui:options'] as any)?.allowedHosts !== undefined
    ) {
      add(
        'repo-hosts',
        "RepoUrlPicker must not pin ui:options.allowedHosts: the form offers the portal's own GitLab integrations (gitlab.com, a company GitLab, the sandbox)",
        object,
      );
    }
  }

  const actions = (template.spec?.steps ?? []).map(step => step.action);
  const fetchAt = actions.indexOf('fetch:template');
  const publishAt = actions.findIndex(a => a?.startsWith('publish:gitlab'));
  if (publishAt < 0)
    add('steps', 'no publish:gitlab (or publish:gitlab:merge-request) step');
  if (fetchAt < 0 || (publishAt >= 0 && fetchAt > publishAt))
    add('steps', 'fetch:template must run before the publish step');
  if (
    actions.includes('publish:gitlab') &&
    actions.indexOf('catalog:register') < actions.indexOf('publish:gitlab')
  ) {
    add(
      'steps',
      'catalog:register must follow publish:gitlab, so the new component appears in the catalog',
    );
  }
  const links = template.spec?.output?.links;
  if (!Array.isArray(links) || links.length === 0)
    add(
      'output-links',
      'spec.output.links must link the result (repository, catalog entity or merge request)',
    );
  return findings;
}

/** The rendered catalog-info.yaml that catalog:register reads: a Component with backstage.io/kubernetes-id. */
export function checkCatalogInfo(
  template: TemplateEntity,
  rendered: Map<string, Buffer>,
): Finding[] {
  const register = template.spec?.steps?.find(
    step => step.action === 'catalog:register',
  );
  if (!register) return [];
  const raw = String(register.input?.catalogInfoPath ?? '/catalog-info.yaml');
  const file = path.posix.normalize(raw.replace(/^\/+/, ''));
  const content = rendered.get(file);
  if (!content) {
    return [
      {
        gate: 'template',
        file,
        rule: 'catalog-info',
        message:
          'catalog:register reads this file but the skeleton does not generate it',
      },
    ];
  }
  const findings: Finding[] = [];
  const entities = content
    .toString('utf8')
    .split(/^---$/m)
    .map(doc => parse(doc))
    .filter(Boolean);
  const component = entities.find((e: any) => e.kind === 'Component');
  if (!component) {
    findings.push({
      gate: 'template',
      file,
      rule: 'catalog-info',
      message: 'no Component entity',
    });
  } else if (!component.metadata?.annotations?.['backstage.io/kubernetes-id']) {
    findings.push({
      gate: 'template',
      file,
      object: `Component/${component.metadata?.name}`,
      rule: 'catalog-info',
      message: 'needs the backstage.io/kubernetes-id annotation',
    });
  }
  return findings;
}
