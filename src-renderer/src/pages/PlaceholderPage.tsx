/** A page whose feature has not landed yet says so plainly instead of showing an empty screen. */
export function PlaceholderPage({ title, text }: { title: string; text: string }) {
  return (
    <section className="page">
      <h1>{title}</h1>
      <p className="hint">{text}</p>
    </section>
  );
}
