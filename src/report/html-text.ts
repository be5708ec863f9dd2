// Text made safe for HTML: every character that could open a tag, an entity or end an attribute, as a
// numeric character reference.
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
