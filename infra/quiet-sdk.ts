// Imported first by the CLIs and the local stack. Through npm they run on the project's Node 22; started
// another way they may run on an older Node, where the SDK's "Node 22 needed from 2027" notice is noise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
export {};
