export { SidebarContent } from './Sidebar';
