// A new tab's first run shows the page's figures only (dashboard/paint.py). Once the browser has
// drawn them (no element still waiting for its script), this asks the app for everything else.
export default function ({ setTriggerValue }) {
  let sent = false;
  const send = () => {
    if (!sent) {
      sent = true;
      setTriggerValue("painted", true);
    }
  };
  const start = performance.now();
  const waiting = () => document.querySelector(
    '[data-testid="stSkeleton"], [data-testid="stSkeletonElement"], [data-testid="stAppSkeleton"]');
  const check = () => {
    if (sent) return;
    // After the next paint (a frame's callback runs before it, a timer set there after it).
    if (!waiting() || performance.now() - start > 1500) setTimeout(send, 0);
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
  setTimeout(send, 3000);  // a tab opened in the background draws no frames until it is shown
}
