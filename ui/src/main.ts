/**
 * Entry point: picks the backend (Tauri inside the app, the in-memory simulator in a
 * plain browser) and mounts the app.
 */
import { mount } from 'svelte';
import App from './App.svelte';
import { Desk } from './lib/desk.svelte';
import { useTheme } from './lib/theme.svelte';
import { pickBackend } from './platform';
import './app.css';

const target = document.getElementById('app');
if (!target) throw new Error('#app missing from index.html');

useTheme(); // the remembered theme, before the first paint
const desk = new Desk(await pickBackend());
mount(App, { target, props: { desk } });
void desk.start();
