/* The charts hold no LaTeX: kaleido is given this empty file instead of MathJax from a CDN, so that
   server-side chart images never reach for the network. */
