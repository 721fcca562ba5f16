// Runs one turn over the Modaweave event-bus bridge with the real sockjs-client, forced to one transport.
// Usage: node bridge-turn.js URL TRANSPORT SESSION TEXT. Prints every frame received as one JSON line,
// then "done" once the turn's last event (turn_done or turn_failed) has arrived; exits 1 on a timeout.
const SockJS = require('sockjs-client');
const [url, transport, session, text] = process.argv.slice(2);
const sock = new SockJS(url, null, { transports: [transport] });
const timer = setTimeout(() => { console.log('timeout'); process.exit(1); }, 60000);
let ping;
sock.onopen = () => {
  console.log(JSON.stringify({ open: sock.transport || transport }));
  ping = setInterval(() => sock.send(JSON.stringify({ type: 'ping' })), 2000);
  sock.send(JSON.stringify({ type: 'register', address: 'modaweave.session.' + session }));
  sock.send(JSON.stringify({ type: 'send', address: 'modaweave.agent', replyAddress: 'reply-1',
    body: { sessionId: session, message: { text } } }));
};
sock.onmessage = (e) => {
  console.log(e.data);
  const frame = JSON.parse(e.data);
  const type = frame.body && frame.body.type;
  if (type === 'turn_done' || type === 'turn_failed') {
    console.log('done');
    clearTimeout(timer);
    clearInterval(ping);
    sock.close();
  }
};
sock.onclose = (e) => {
  console.log(JSON.stringify({ closed: e.code, reason: e.reason }));
  clearInterval(ping);
};
