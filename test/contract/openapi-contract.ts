import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';

/**
 * Validates recorded simulator responses against the providers' own OpenAPI files in ../shared/specs/.
 * swagger-parser validates and bundles the documents (Swagger 2.0 and OpenAPI 3.x); Ajv checks the bodies
 * (draft-07 for Swagger 2.0 schemas, 2020-12 for OpenAPI 3.1+, as those versions specify). The document is
 * given to Ajv whole and each response schema is reached by JSON pointer, so internal `$ref`s resolve inside
 * Ajv, recursive schemas included (Genesys's ErrorBody contains ErrorBody).
 */

export const SPECS_DIR = join(__dirname, '..', '..', '..', 'shared', 'specs');

type Json = Record<string, unknown>;
const SPEC_ID = 'https://erasure-desk.test/provider-spec.json';
const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

export interface ContractResponse {
  method: string;
  /** The spec's path template, e.g. `/api/v2/gdpr/requests/{requestId}`. */
  pathTemplate: string;
  status: number;
  body: unknown;
}

export interface ContractCheck {
  ok: boolean;
  errors: string[];
}

export class OpenApiContract {
  private readonly ajv: Ajv;

  private constructor(
    readonly file: string,
    private readonly doc: Json,
    private readonly swagger2: boolean,
    formats: Record<string, (value: string) => boolean>,
  ) {
    this.ajv = swagger2
      ? new Ajv({ strict: false, allErrors: true, validateSchema: false })
      : new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
    addFormats(this.ajv);
    for (const [name, test] of Object.entries(formats)) this.ajv.addFormat(name, test);
    this.ajv.addSchema(doc, SPEC_ID);
  }

  /** `formats` overrides a format where the provider's real answers are known to differ from its spec. */
  static async load(file: string, formats: Record<string, (value: string) => boolean> = {}): Promise<OpenApiContract> {
    const raw = readFileSync(join(SPECS_DIR, file), 'utf8');
    const doc = (file.endsWith('.json') ? JSON.parse(raw) : parseYaml(raw)) as Json;
    // OpenAPI 3.2 keeps 3.1's schema dialect; the parser only knows 3.0/3.1 version strings.
    if (typeof doc.openapi === 'string' && doc.openapi.startsWith('3.2')) doc.openapi = '3.1.0';
    const bundled = (await SwaggerParser.bundle(doc as never)) as unknown as Json;
    return new OpenApiContract(file, bundled, typeof doc.swagger === 'string', formats);
  }

  /** A JSON pointer to the schema the spec declares for that response, or undefined when it declares no body. */
  responseSchema(method: string, pathTemplate: string, status: number): string | undefined {
    const paths = this.doc.paths as Record<string, Record<string, Json>>;
    const op = paths[pathTemplate]?.[method.toLowerCase()];
    if (!op) throw new Error(`${this.file}: no operation ${method.toUpperCase()} ${pathTemplate}`);
    const responses = op.responses as Record<string, Json>;
    const key = responses[String(status)] ? String(status) : responses.default ? 'default' : null;
    if (key === null)
      throw new Error(`${this.file}: ${method.toUpperCase()} ${pathTemplate} declares no ${status} response`);
    const base = `#/${pointer('paths', pathTemplate, method.toLowerCase(), 'responses', key)}`;
    let response = responses[key] as Json;
    // OpenAPI lets a response itself be a $ref into components/responses.
    let at = base;
    if (typeof response.$ref === 'string') {
      at = response.$ref;
      response = this.resolve(response.$ref);
    }
    if (this.swagger2) return response.schema === undefined ? undefined : `${at}/schema`;
    const content = response.content as Record<string, Json> | undefined;
    const type = content && Object.keys(content).find((t) => /json/.test(t));
    return type && content[type]?.schema !== undefined ? `${at}/${pointer('content', type, 'schema')}` : undefined;
  }

  declares(method: string, pathTemplate: string, status: number): boolean {
    const paths = this.doc.paths as Record<string, Record<string, Json>>;
    const responses = (paths[pathTemplate]?.[method.toLowerCase()]?.responses ?? {}) as Json;
    return String(status) in responses;
  }

  private resolve(ref: string): Json {
    return ref
      .replace(/^#\//, '')
      .split('/')
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<Json>((node, key) => node[key] as Json, this.doc);
  }

  /** Checks a body against a named schema in `components/schemas` (OpenAPI 3). */
  checkComponent(name: string, body: unknown): ContractCheck {
    const validate = this.ajv.compile({ $ref: `${SPEC_ID}#/${pointer('components', 'schemas', name)}` });
    const ok = validate(body);
    return {
      ok: Boolean(ok),
      errors: (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''}`.trim()),
    };
  }

  check(response: ContractResponse): ContractCheck {
    const schema = this.responseSchema(response.method, response.pathTemplate, response.status);
    if (schema === undefined) {
      const empty = response.body === undefined || response.body === '';
      return { ok: empty, errors: empty ? [] : ['the spec declares no body for this response'] };
    }
    const validate = this.ajv.compile({ $ref: `${SPEC_ID}${schema}` });
    const ok = validate(response.body);
    return {
      ok: Boolean(ok),
      errors: (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''}`.trim()),
    };
  }
}
