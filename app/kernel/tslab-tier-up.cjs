// Loaded into every tslab kernel the project starts (`node --require <this file> tslab kernel …`, the
// argv of the project's kernelspec), before tslab itself.
//
// A tslab kernel type-checks every cell with the TypeScript compiler: a burst of code that runs a few
// times per cell, then waits. V8 hands a function to its optimizing compiler (TurboFan, on background
// threads) once the function has spent its "interrupt budget", 67,584 bytecode bytes by default in
// Node 20. Measured on chapter 03 (49 cells, 2 cores): the kernel's background threads spent 3.3 to
// 3.7 s of CPU optimizing compiler code during 7.7 s of cells, as much as the cell code itself, for
// no gain in the cells' time. With a budget of 1,000,000 only the really hot functions are optimized:
// the kernel's CPU over those cells fell from about 5.1 s to 3.7 s, the cells took as long as before,
// and the CPU left over goes to what runs beside the kernel (the browser showing the notebook).
//
// Set here rather than on the command line: a Node whose V8 no longer knows the flag says so on
// stderr and goes on, where `node --interrupt-budget=…` would refuse to start the kernel.
'use strict';
require('node:v8').setFlagsFromString('--interrupt-budget=1000000');
