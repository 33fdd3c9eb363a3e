// Imported first by the CLIs and the local stack: they run on the developer's Node 20, where the SDK's
// "Node 22 needed from 2027" notice is noise (Lambda runs nodejs22.x).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
export {};
