/** Types of infra/lambda-zip.js (plain CommonJS: the serverless plugin loads it without a compiler). */
export interface ZipEntry {
  name: string;
  data(): Buffer;
}
export declare function zipEntries(file: string): Map<string, ZipEntry>;
export declare function elfMachine(bytes: Buffer): 'aarch64' | 'x86-64' | 'not-elf' | number;
