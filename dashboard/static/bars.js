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
    // Beside the bar's value, where it hides no other bar's label.
    const end = button.querySelector(".value").getBoundingClientRect(), frame = root.getBoundingClientRect();
    tip.style.left = `${Math.max(0, Math.min(end.right - frame.left + 8, frame.width - tip.offsetWidth))}px`;
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
