// wgsl_reflect's "main" is a CommonJS file under "type": "module", which Node
// cannot load; we import its ES module build, typed by the package's own types.
declare module 'wgsl_reflect/wgsl_reflect.module.js' {
  export * from 'wgsl_reflect';
}
