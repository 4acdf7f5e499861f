// Draws a synthetic scene with faces for the face-detection tests (drawn here; no third-party image).
// drawFace(ctx, cx, cy, h): a face centred at (cx, cy), h pixels from hair to chin.
function drawFace(ctx, cx, cy, h, opts = {}) {
  const w = h * 0.78;
  ctx.save();
  // neck and shoulders
  ctx.fillStyle = "#c98f6b";
  ctx.fillRect(cx - w * 0.22, cy + h * 0.35, w * 0.44, h * 0.4);
  ctx.fillStyle = opts.shirt || "#2f4f7f";
  ctx.beginPath(); ctx.ellipse(cx, cy + h * 1.05, w * 1.1, h * 0.4, 0, Math.PI, 0); ctx.fill();
  ctx.fillRect(cx - w * 1.1, cy + h * 1.05, w * 2.2, h);
  // hair back
  ctx.fillStyle = opts.hair || "#3b2616";
  ctx.beginPath(); ctx.ellipse(cx, cy - h * 0.08, w * 0.56, h * 0.58, 0, 0, Math.PI * 2); ctx.fill();
  // ears
  ctx.fillStyle = "#d9a07a";
  for (const s of [-1, 1]) { ctx.beginPath(); ctx.ellipse(cx + s * w * 0.5, cy + h * 0.02, w * 0.08, h * 0.11, 0, 0, Math.PI * 2); ctx.fill(); }
  // face with shading
  const g = ctx.createRadialGradient(cx - w * 0.1, cy - h * 0.1, h * 0.05, cx, cy, h * 0.6);
  g.addColorStop(0, "#f2c6a5"); g.addColorStop(0.7, "#dfa580"); g.addColorStop(1, "#b97b57");
  ctx.fillStyle = g;
  ctx.beginPath(); ctx.ellipse(cx, cy + h * 0.02, w * 0.48, h * 0.5, 0, 0, Math.PI * 2); ctx.fill();
  // hair fringe
  ctx.fillStyle = opts.hair || "#3b2616";
  ctx.beginPath(); ctx.ellipse(cx, cy - h * 0.38, w * 0.5, h * 0.2, 0, Math.PI, 0); ctx.fill();
  ctx.beginPath(); ctx.ellipse(cx, cy - h * 0.36, w * 0.46, h * 0.1, 0, 0, Math.PI); ctx.fill();
  // eyebrows
  ctx.strokeStyle = "#2a1a10"; ctx.lineWidth = h * 0.03; ctx.lineCap = "round";
  for (const s of [-1, 1]) { ctx.beginPath(); ctx.moveTo(cx + s * w * 0.1, cy - h * 0.16); ctx.quadraticCurveTo(cx + s * w * 0.22, cy - h * 0.21, cx + s * w * 0.34, cy - h * 0.15); ctx.stroke(); }
  // eyes
  for (const s of [-1, 1]) {
    const ex = cx + s * w * 0.21, ey = cy - h * 0.06;
    ctx.fillStyle = "#fff"; ctx.beginPath(); ctx.ellipse(ex, ey, w * 0.1, h * 0.045, 0, 0, Math.PI * 2); ctx.fill();
    ctx.fillStyle = "#4a3020"; ctx.beginPath(); ctx.arc(ex, ey, h * 0.035, 0, Math.PI * 2); ctx.fill();
    ctx.fillStyle = "#000"; ctx.beginPath(); ctx.arc(ex, ey, h * 0.016, 0, Math.PI * 2); ctx.fill();
  }
  // nose
  ctx.strokeStyle = "#a86a48"; ctx.lineWidth = h * 0.02;
  ctx.beginPath(); ctx.moveTo(cx, cy - h * 0.04); ctx.lineTo(cx - w * 0.05, cy + h * 0.12); ctx.lineTo(cx + w * 0.04, cy + h * 0.14); ctx.stroke();
  ctx.fillStyle = "#8a5238";
  for (const s of [-1, 1]) { ctx.beginPath(); ctx.arc(cx + s * w * 0.05, cy + h * 0.14, h * 0.015, 0, Math.PI * 2); ctx.fill(); }
  // mouth
  ctx.fillStyle = "#a0403a";
  ctx.beginPath(); ctx.ellipse(cx, cy + h * 0.27, w * 0.16, h * 0.04, 0, 0, Math.PI * 2); ctx.fill();
  ctx.strokeStyle = "#6e2522"; ctx.lineWidth = h * 0.012;
  ctx.beginPath(); ctx.moveTo(cx - w * 0.16, cy + h * 0.27); ctx.quadraticCurveTo(cx, cy + h * 0.29, cx + w * 0.16, cy + h * 0.27); ctx.stroke();
  ctx.restore();
}
function drawScene(ctx, W, H, faces) {
  const bg = ctx.createLinearGradient(0, 0, W, H);
  bg.addColorStop(0, "#9fb4c7"); bg.addColorStop(1, "#d8d2c4");
  ctx.fillStyle = bg; ctx.fillRect(0, 0, W, H);
  ctx.fillStyle = "#7a6a58"; ctx.fillRect(W * 0.05, H * 0.1, W * 0.2, H * 0.5); // a door-ish shape
  ctx.fillStyle = "#e8e0c8"; ctx.fillRect(W * 0.7, H * 0.12, W * 0.22, H * 0.18); // picture frame
  for (const f of faces) drawFace(ctx, f.cx, f.cy, f.h, f);
}
