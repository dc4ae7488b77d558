/** What `h` takes as children: nodes, and strings that become text nodes (never markup). */
export type Child = Node | string | null | undefined | false;

/** Attribute values: a string, `true` for a present boolean attribute, absent otherwise. */
export type Attributes = Readonly<Record<string, string | boolean | undefined>>;

export type Make = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes?: Attributes,
  ...children: Child[]
) => HTMLElementTagNameMap[K];

/**
 * An element factory for `doc`. Text goes in as text nodes and attributes through setAttribute,
 * so nothing the server sends is ever parsed as HTML.
 */
export function maker(doc: Document): Make {
  return (tag, attributes = {}, ...children) => {
    const element = doc.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (value === true) element.setAttribute(name, '');
      else if (typeof value === 'string') element.setAttribute(name, value);
    }
    element.append(...children.filter(isChild));
    return element;
  };
}

const isChild = (child: Child): child is Node | string =>
  child !== null && child !== undefined && child !== false;

/** Replaces the children of `parent` (text as text). */
export function fill(parent: Element, ...children: Child[]): void {
  parent.replaceChildren(...children.filter(isChild));
}
