import type { OpCase } from '../test/harness/op-case.ts';

/** One timed kernel: an op case with a label saying which layer of the net it is. */
export interface BenchCase extends OpCase {
  label: string;
}

const conv2d = (label: string, x: number[], w: number[], attrs: object): BenchCase =>
  ({ label, op: 'conv2d', inputs: [x, w, [w[0]]], attrs });

const pool = (label: string, x: number[]): BenchCase => ({ label, op: 'maxpool', inputs: [x], attrs: { kernel: 3, stride: 2, ceilMode: true } });

// The fire modules of spec/light-cnn.md: [name, input channels, squeeze s, expand e, spatial size].
const FIRES: [string, number, number, number, number][] = [
  ['fire2', 64, 16, 64, 56], ['fire3', 128, 16, 64, 56],
  ['fire4', 128, 32, 128, 28], ['fire5', 256, 32, 128, 28],
  ['fire6', 256, 48, 192, 14], ['fire7', 384, 48, 192, 14],
  ['fire8', 384, 64, 256, 14], ['fire9', 512, 64, 256, 14],
];

const fire = (n: number, [name, cin, s, e, hw]: (typeof FIRES)[number]): BenchCase[] => [
  conv2d(`${name}.squeeze`, [n, cin, hw, hw], [s, cin, 1, 1], {}),
  conv2d(`${name}.expand1`, [n, s, hw, hw], [e, s, 1, 1], {}),
  conv2d(`${name}.expand3`, [n, s, hw, hw], [e, s, 3, 3], { pad: 1 }),
  // both branches, the concat and the ELU as the net runs them
  { label: `${name}.expand`, op: 'fire_expand', inputs: [[n, s, hw, hw], [e, s, 1, 1], [e], [e, s, 3, 3], [e]], attrs: { activation: 'elu' } },
];

/** Every layer of the light CNN worth timing, at batch n. Adding a kernel to the bench is one line here. */
export function benchCases(n: number): BenchCase[] {
  return [
    // conv1, the upsample and the weighted sum with the ELU the net fuses into them
    conv2d('conv1', [n, 1, 224, 224], [64, 1, 3, 3], { stride: 2, pad: 1, activation: 'elu' }),
    pool('pool1', [n, 64, 112, 112]),
    ...FIRES.flatMap((f) => fire(n, f)),
    pool('pool3', [n, 128, 56, 56]),
    pool('pool5', [n, 256, 28, 28]),
    { label: 'head.upsample', op: 'conv_transpose2d', inputs: [[n, 512, 14, 14], [512, 64, 4, 4], [64]], attrs: { stride: 4, activation: 'elu' } },
    conv2d('head.weighted-sum', [n, 192, 56, 56], [128, 192, 1, 1], { activation: 'elu' }),
  ];
}
