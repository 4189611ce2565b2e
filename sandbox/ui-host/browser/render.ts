import type { ForgeDoc } from './forge-doc';

/**
 * Draws a ForgeDoc as plain HTML, one recognisable element per UI Kit component, and wires the DOM's events
 * back to the component's function props. DOM nodes are kept per ForgeDoc key across commits, so a text field
 * keeps its focus and caret while the app re-renders on every keystroke (as the real host does).
 * A component this host does not know is drawn as a red "unknown component" box, never dropped.
 */

type Props = Record<string, unknown>;
type Fn = (...args: unknown[]) => unknown;

interface Built {
  el: Node;
  /** The latest props: listeners read them at event time, so a re-render's new closures are used. */
  props: Props;
}

/** UI Kit's `SerialisableEvent` (@atlaskit/forge-react-types): the shape an input's onChange receives. */
function serialisableEvent(
  event: Event,
  target: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement,
): Record<string, unknown> {
  return {
    bubbles: event.bubbles,
    cancelable: event.cancelable,
    defaultPrevented: event.defaultPrevented,
    eventPhase: event.eventPhase,
    isTrusted: event.isTrusted,
    target: {
      value: target.value,
      checked: target instanceof HTMLInputElement ? target.checked : undefined,
      name: target.name,
      id: target.id,
      tagName: target.tagName,
      type: target.type,
    },
    timeStamp: event.timeStamp,
    type: event.type,
  };
}

const SPACE: Record<string, string> = {
  'space.0': '0',
  'space.025': '2px',
  'space.050': '4px',
  'space.075': '6px',
  'space.100': '8px',
  'space.150': '12px',
  'space.200': '16px',
  'space.250': '20px',
  'space.300': '24px',
  'space.400': '32px',
  'space.500': '40px',
};
const HEADING_TAG: Record<string, string> = {
  xxlarge: 'h1',
  xlarge: 'h1',
  large: 'h2',
  medium: 'h3',
  small: 'h4',
  xsmall: 'h5',
  xxsmall: 'h6',
};

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const fn = (props: Props, name: string): Fn | null => (typeof props[name] === 'function' ? (props[name] as Fn) : null);

interface Option {
  label: string;
  value: string;
}
const optionsOf = (v: unknown): Option[] =>
  Array.isArray(v) ? v.map((o) => ({ label: str((o as Option).label), value: str((o as Option).value) })) : [];
/** Select's `value` is an option (or options, or a bare value for tolerance); the DOM wants the values. */
function selectedValues(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.flatMap(selectedValues);
  if (typeof v === 'object') return [str((v as Option).value)];
  return [str(v)];
}

export class ForgeDocRenderer {
  private nodes = new Map<string, Built>();
  private readonly doc: Document;

  /** `displayName` names an account for `User`; without one (or for an unknown account) the id is shown. */
  constructor(
    private readonly root: HTMLElement,
    private readonly displayName: (accountId: string) => string | undefined = () => undefined,
  ) {
    this.doc = root.ownerDocument;
  }

  render(forgeDoc: ForgeDoc): void {
    const seen = new Set<string>();
    const top = this.build(forgeDoc, seen);
    syncChildren(this.root, [top]);
    for (const key of [...this.nodes.keys()]) if (!seen.has(key)) this.nodes.delete(key);
  }

  private build(node: ForgeDoc, seen: Set<string>): Node {
    seen.add(node.key);
    let built = this.nodes.get(node.key);
    if (node.type === 'String') {
      if (!built) {
        built = { el: this.doc.createTextNode(''), props: node.props };
        this.nodes.set(node.key, built);
      }
      built.props = node.props;
      if (built.el.textContent !== str(node.props.text)) built.el.textContent = str(node.props.text);
      return built.el;
    }
    if (!built) {
      built = { el: this.create(node), props: node.props };
      this.nodes.set(node.key, built);
    }
    built.props = node.props;
    const el = built.el as HTMLElement;
    const children = node.children.map((c) => this.build(c, seen));
    this.update(node, el, children);
    return el;
  }

  /** The element for a component instance, with listeners that call its current props. */
  private create(node: ForgeDoc): HTMLElement {
    const current = () => this.nodes.get(node.key)?.props ?? {};
    const d = this.doc;
    const tagged = (tag: string) => {
      const el = d.createElement(tag);
      el.dataset.uikit = node.type;
      el.className = `uk uk-${node.type.toLowerCase()}`;
      return el;
    };
    switch (node.type) {
      case 'Button':
      case 'LoadingButton': {
        const el = tagged('button') as HTMLButtonElement;
        el.type = 'button';
        el.addEventListener('click', () => void fn(current(), 'onClick')?.());
        return el;
      }
      case 'Textfield': {
        const el = tagged('input') as HTMLInputElement;
        el.addEventListener('input', (e) => void fn(current(), 'onChange')?.(serialisableEvent(e, el)));
        el.addEventListener('blur', (e) => void fn(current(), 'onBlur')?.(serialisableEvent(e, el)));
        return el;
      }
      case 'TextArea': {
        const el = tagged('textarea') as HTMLTextAreaElement;
        el.addEventListener('input', (e) => void fn(current(), 'onChange')?.(serialisableEvent(e, el)));
        el.addEventListener('blur', (e) => void fn(current(), 'onBlur')?.(serialisableEvent(e, el)));
        return el;
      }
      case 'DatePicker': {
        const el = tagged('input') as HTMLInputElement;
        el.type = 'date';
        // UI Kit's DatePicker hands its onChange the ISO date string.
        el.addEventListener('change', () => void fn(current(), 'onChange')?.(el.value));
        return el;
      }
      case 'Select': {
        const el = tagged('select') as HTMLSelectElement;
        el.addEventListener('change', () => {
          const options = optionsOf(current().options);
          const chosen = Array.from(el.selectedOptions)
            .map((o) => options.find((x) => x.value === o.value))
            .filter((o): o is Option => !!o);
          void fn(current(), 'onChange')?.(current().isMulti ? chosen : (chosen[0] ?? null));
        });
        return el;
      }
      case 'Checkbox': {
        const el = tagged('label');
        const box = d.createElement('input');
        box.type = 'checkbox';
        box.addEventListener('change', (e) => void fn(current(), 'onChange')?.(serialisableEvent(e, box)));
        el.append(box, d.createElement('span'));
        return el;
      }
      case 'Toggle': {
        const el = tagged('label');
        const box = d.createElement('input');
        box.type = 'checkbox';
        box.setAttribute('role', 'switch');
        box.addEventListener('change', (e) => void fn(current(), 'onChange')?.(serialisableEvent(e, box)));
        el.append(box, d.createElement('span'));
        return el;
      }
      case 'RadioGroup': {
        const el = tagged('div');
        el.setAttribute('role', 'radiogroup');
        el.addEventListener('change', (e) => {
          const target = e.target as HTMLInputElement;
          void fn(current(), 'onChange')?.(serialisableEvent(e, target));
        });
        return el;
      }
      case 'Form': {
        const el = tagged('form');
        el.addEventListener('submit', (e) => {
          e.preventDefault();
          void fn(current(), 'onSubmit')?.();
        });
        return el;
      }
      case 'Link': {
        const el = tagged('a');
        return el;
      }
      case 'Heading':
        return tagged(HEADING_TAG[str(node.props.size) || 'medium'] ?? 'h3');
      case 'Text':
        return tagged('p');
      case 'Strong':
        return tagged('strong');
      case 'Em':
        return tagged('em');
      case 'Strike':
        return tagged('s');
      case 'Code':
        return tagged('code');
      case 'CodeBlock':
        return tagged('pre');
      case 'Lozenge':
      case 'Badge':
      case 'Tag':
      case 'User':
        return tagged('span');
      case 'Spinner': {
        const el = tagged('span');
        el.setAttribute('role', 'status');
        el.setAttribute('aria-label', 'Loading');
        return el;
      }
      case 'SectionMessage': {
        const el = tagged('section');
        el.setAttribute('role', 'region');
        return el;
      }
      case 'Label':
        return tagged('label');
      case 'List':
        return tagged(node.props.type === 'ordered' ? 'ol' : 'ul');
      case 'ListItem':
        return tagged('li');
      case 'Root':
      case 'Stack':
      case 'Inline':
      case 'Box':
      case 'ButtonGroup':
      case 'SectionMessageAction':
      case 'HelperMessage':
      case 'ErrorMessage':
      case 'ValidMessage':
      case 'FormHeader':
      case 'FormSection':
      case 'FormFooter':
      case 'EmptyState':
      case 'ProgressBar':
        return tagged('div');
      default: {
        const el = d.createElement('div');
        el.dataset.uikit = 'unknown';
        el.dataset.component = node.type;
        el.className = 'uk uk-unknown';
        return el;
      }
    }
  }

  /** Applies a commit's props to the element and puts its children in place. */
  private update(node: ForgeDoc, el: HTMLElement, children: Node[]): void {
    const p = node.props;
    if (typeof p.testId === 'string') el.dataset.testid = p.testId;
    if (typeof p.id === 'string' && node.type !== 'Checkbox') el.id = p.id;
    const appearance = str(p.appearance) || 'default';
    switch (node.type) {
      case 'Button':
      case 'LoadingButton': {
        const b = el as HTMLButtonElement;
        b.dataset.appearance = appearance;
        b.disabled = p.isDisabled === true || p.isLoading === true;
        b.type = p.type === 'submit' ? 'submit' : 'button';
        if (p.isLoading === true) b.setAttribute('aria-busy', 'true');
        else b.removeAttribute('aria-busy');
        return syncChildren(el, children);
      }
      case 'Textfield': {
        const i = el as HTMLInputElement;
        i.type = ['password', 'number', 'email', 'date', 'url', 'tel'].includes(str(p.type)) ? str(p.type) : 'text';
        setInputCommon(i, p);
        return;
      }
      case 'TextArea':
        setInputCommon(el as HTMLTextAreaElement, p);
        return;
      case 'DatePicker':
        setInputCommon(el as HTMLInputElement, p);
        return;
      case 'Select': {
        const s = el as HTMLSelectElement;
        if (typeof p.inputId === 'string') s.id = p.inputId;
        s.name = str(p.name);
        s.multiple = p.isMulti === true;
        s.disabled = p.isDisabled === true;
        s.setAttribute('aria-invalid', String(p.isInvalid === true));
        const options = optionsOf(p.options);
        const wanted = selectedValues(p.value ?? (s.dataset.touched ? undefined : p.defaultValue));
        const signature = JSON.stringify([options, p.placeholder, s.multiple]);
        if (s.dataset.signature !== signature) {
          s.dataset.signature = signature;
          const placeholder = s.multiple ? [] : [new Option(str(p.placeholder) || 'Choose…', '')];
          s.replaceChildren(...placeholder, ...options.map((o) => new Option(o.label, o.value)));
        }
        if (p.value !== undefined || !s.dataset.touched)
          for (const o of Array.from(s.options))
            o.selected = wanted.includes(o.value) || (!s.multiple && wanted.length === 0 && o.value === '');
        s.dataset.touched = '1';
        return;
      }
      case 'Checkbox':
      case 'Toggle': {
        const box = el.querySelector('input') as HTMLInputElement;
        if (typeof p.id === 'string') box.id = p.id;
        box.name = str(p.name);
        box.value = str(p.value);
        box.disabled = p.isDisabled === true;
        if (p.isChecked !== undefined) box.checked = p.isChecked === true;
        else if (!el.dataset.touched && p.defaultChecked !== undefined) box.checked = p.defaultChecked === true;
        el.dataset.touched = '1';
        (el.querySelector('span') as HTMLElement).textContent = str(p.label);
        return;
      }
      case 'RadioGroup': {
        const name = str(p.name) || `radio-${node.key}`;
        const options = optionsOf(p.options);
        const signature = JSON.stringify(options);
        if (el.dataset.signature !== signature) {
          el.dataset.signature = signature;
          el.replaceChildren(
            ...options.map((o) => {
              const label = this.doc.createElement('label');
              const input = this.doc.createElement('input');
              input.type = 'radio';
              input.name = name;
              input.value = o.value;
              label.append(input, ` ${o.label}`);
              return label;
            }),
          );
        }
        for (const input of Array.from(el.querySelectorAll('input'))) {
          if (p.value !== undefined) input.checked = input.value === str(p.value);
          input.disabled = p.isDisabled === true;
        }
        return;
      }
      case 'Link': {
        const a = el as HTMLAnchorElement;
        a.href = str(p.href);
        if (p.openNewTab === true) {
          a.target = '_blank';
          a.rel = 'noopener noreferrer';
        }
        return syncChildren(el, children);
      }
      case 'Lozenge':
        el.dataset.appearance = appearance;
        if (p.isBold === true) el.dataset.bold = '1';
        return syncChildren(el, children);
      case 'Badge':
        el.dataset.appearance = appearance;
        return syncChildren(el, children);
      case 'Tag':
        el.textContent = str(p.text);
        return;
      case 'User': {
        const id = str(p.accountId);
        el.dataset.accountId = id;
        el.textContent = p.hideDisplayName === true ? '' : (this.displayName(id) ?? id);
        el.title = id;
        return;
      }
      case 'Stack':
      case 'Inline': {
        el.style.gap = SPACE[str(p.space)] ?? '0';
        if (node.type === 'Inline' && p.rowSpace) el.style.rowGap = SPACE[str(p.rowSpace)] ?? '0';
        el.style.alignItems =
          { center: 'center', start: 'flex-start', end: 'flex-end', baseline: 'baseline', stretch: 'stretch' }[
            str(p.alignBlock)
          ] ?? '';
        el.style.justifyContent =
          p.spread === 'space-between'
            ? 'space-between'
            : ({ center: 'center', start: 'flex-start', end: 'flex-end' }[str(p.alignInline)] ?? '');
        if (node.type === 'Inline' && p.shouldWrap === true) el.style.flexWrap = 'wrap';
        return syncChildren(el, children);
      }
      case 'Box':
        el.style.padding = SPACE[str(p.padding)] ?? '';
        return syncChildren(el, children);
      case 'CodeBlock':
        el.textContent = str(p.text);
        return;
      case 'SectionMessage': {
        el.dataset.appearance = str(p.appearance) || 'information';
        const title = p.title ? [this.heading(str(p.title))] : [];
        return syncChildren(el, [...title, ...children]);
      }
      case 'Label':
        (el as HTMLLabelElement).htmlFor = str(p.labelFor);
        return syncChildren(el, children);
      case 'FormHeader':
        return syncChildren(el, [
          ...(p.title ? [this.heading(str(p.title))] : []),
          ...(p.description ? [this.para(str(p.description))] : []),
          ...children,
        ]);
      case 'FormSection':
        return syncChildren(el, [
          ...(p.title ? [this.heading(str(p.title))] : []),
          ...(p.description ? [this.para(str(p.description))] : []),
          ...children,
        ]);
      case 'EmptyState':
        return syncChildren(el, [
          ...(p.header ? [this.heading(str(p.header))] : []),
          ...(p.description ? [this.para(str(p.description))] : []),
          ...children,
        ]);
      case 'ProgressBar': {
        const value = Math.max(0, Math.min(1, Number(p.value ?? 0)));
        el.setAttribute('role', 'progressbar');
        el.setAttribute('aria-valuenow', String(Math.round(value * 100)));
        el.style.setProperty('--progress', `${value * 100}%`);
        return;
      }
      case 'Spinner':
        return;
      default:
        if (el.dataset.uikit === 'unknown') {
          const label = this.doc.createElement('strong');
          label.className = 'uk-unknown-label';
          label.textContent = `Unknown UI Kit component: ${node.type}`;
          return syncChildren(el, [label, ...children]);
        }
        return syncChildren(el, children);
    }
  }

  private heading(text: string): HTMLElement {
    const h = this.doc.createElement('strong');
    h.className = 'uk-title';
    h.textContent = text;
    return h;
  }

  private para(text: string): HTMLElement {
    const p = this.doc.createElement('p');
    p.textContent = text;
    return p;
  }
}

function setInputCommon(i: HTMLInputElement | HTMLTextAreaElement, p: Props): void {
  i.name = str(p.name);
  i.placeholder = str(p.placeholder);
  i.disabled = p.isDisabled === true;
  i.required = p.isRequired === true;
  i.readOnly = p.isReadOnly === true;
  i.setAttribute('aria-invalid', String(p.isInvalid === true));
  // A controlled field follows `value`; an uncontrolled one keeps what the person typed after its default.
  const value = p.value !== undefined ? str(p.value) : i.dataset.touched ? i.value : str(p.defaultValue);
  if (i.value !== value) i.value = value;
  i.dataset.touched = '1';
}

/** Puts `desired` under `parent` in order, moving only nodes that are out of place (so focus survives). */
function syncChildren(parent: Node, desired: Node[]): void {
  desired.forEach((child, index) => {
    const at = parent.childNodes[index];
    if (at !== child) parent.insertBefore(child, at ?? null);
  });
  while (parent.childNodes.length > desired.length) parent.removeChild(parent.lastChild as Node);
}
