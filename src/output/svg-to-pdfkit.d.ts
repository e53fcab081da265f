// svg-to-pdfkit ships no types: the one function exitsim calls.
declare module 'svg-to-pdfkit' {
  const SVGtoPDF: (doc: object, svg: string, x: number, y: number, options?: { width?: number; height?: number; assumePt?: boolean; fontCallback?: (family: string, bold: boolean, italic: boolean) => string }) => void;
  export default SVGtoPDF;
}
