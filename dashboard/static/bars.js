// The overview's bar charts (dashboard/bars.py): plain HTML, no chart library. Each bar is a
// button: a click, or Enter / Space on a focused bar, sends its key back to the app.
export default function ({ data, parentElement, setTriggerValue }) {
  const root = parentElement.querySelector(".bar-chart");
  const el = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;  // text, never markup
    return node;
  };
  root.replaceChildren();
  root.setAttribute("role", "figure");
  root.setAttribute("aria-label", data.title);
  const head = el("div", "head");
  head.append(el("div", "title", data.title));
  if (data.subtitle) head.append(el("div", "subtitle", data.subtitle));
  root.append(head);
  if (!data.bars.length) {
    root.append(el("p", "empty", data.empty));
    return;
  }
  const top = Math.max(...data.bars.map((b) => b.value), 1);
  const rows = el("div", "rows");
  const tip = el("div", "tip");
  tip.setAttribute("role", "tooltip");
  tip.hidden = true;
  const show = (button, text) => {
    tip.textContent = text;
    tip.hidden = false;
    // Right of the bar's value, or over the bar's end when there is no room: it hides no label.
    const end = button.querySelector(".value").getBoundingClientRect(), frame = root.getBoundingClientRect();
    const right = end.right - frame.left + 8;
    const left = right + tip.offsetWidth <= frame.width ? right : end.left - frame.left - tip.offsetWidth - 8;
    tip.style.left = `${Math.max(0, left)}px`;
    tip.style.top = `${end.top - frame.top + end.height / 2 - tip.offsetHeight / 2}px`;
  };
  for (const bar of data.bars) {
    const button = el("button", "row");
    button.type = "button";
    button.dataset.key = bar.key;
    button.setAttribute("aria-label", `${bar.tip}（${data.hint}）`);
    const track = el("span", "track");
    const fill = el("span", "bar");
    fill.style.width = `calc((100% - 4em) * ${bar.value / top})`;  // room for the value
    fill.style.background = data.color;
    track.append(fill, el("span", "value", bar.text));
    button.append(el("span", "label", bar.label), track);
    button.addEventListener("click", () => setTriggerValue("clicked", bar.key));
    button.addEventListener("pointerenter", () => show(button, bar.tip));
    button.addEventListener("focus", () => show(button, bar.tip));
    button.addEventListener("pointerleave", () => { tip.hidden = true; });
    button.addEventListener("blur", () => { tip.hidden = true; });
    rows.append(button);
  }
  root.append(rows, el("div", "axis", data.axis), tip);
}
