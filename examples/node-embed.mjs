#!/usr/bin/env node
// The smallest headless embedding of wvm in Node: boot the default guest,
// run `uname -a`, print its output, power off.
// Usage: node examples/node-embed.mjs   (builds the guest images on first use)
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Machine } from '../src/js/machine.mjs';

const recipe = new URL('images/riscv64/build.sh', import.meta.url).pathname;
const dir = execFileSync('bash', [recipe], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim().split('\n').pop();
const machine = await Machine.create({
  mem: 128, kernel: readFileSync(`${dir}/Image`), initrd: readFileSync(`${dir}/initramfs.cpio.gz`), append: 'console=ttyS0',
});

let text = '';
const utf8 = new TextDecoder();
/** Resolve once the console output ends with a shell prompt. */
const prompt = () => new Promise((resolve) => {
  const check = () => { if (/~ # $/.test(text)) { machine.removeEventListener('output', on); resolve(); } };
  const on = (e) => { text += utf8.decode(e.detail, { stream: true }); check(); };
  machine.addEventListener('output', on);
});

machine.start();
await prompt();
text = '';
machine.write('uname -a\n');
await prompt();
console.log(text.split('\n').slice(1, -1).join('\n').replace(/\r/g, '')); // drop the echoed command and the prompt
machine.write('poweroff -f\n');
process.exitCode = await machine.halted();
